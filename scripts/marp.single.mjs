// Marp CLI configuration for compiling ONE deck (npm start's rebuild of a changed
// slide file): the project's configuration without its input folder and output.
// Paths in a configuration resolve against the file that holds it, so the theme
// set is given absolute here.
import { fileURLToPath } from 'node:url';
import config from '../marp.config.mjs';

const { inputDir, output, ...single } = config;
export default { ...single, themeSet: fileURLToPath(new URL('../slides/themes', import.meta.url)) };
