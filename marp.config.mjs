// Marp CLI configuration: every slides/*.md → <out>/*.html with the lecture
// theme, offline math (MathJax renders SVG at build time), native emoji (no
// CDN) and the demo bundle injected into every deck.
import { readFileSync } from 'node:fs';
import { Marp } from '@marp-team/marp-core';

/** Where the built bundle sits, relative to a deck's HTML (decks are flat in the output root). */
export const BUNDLE_PATH = 'assets/demos.js';

// Every demo takes these: its id (sync key), classes, `seed`, and the presenter's `clicker-steps`.
const always = ['id', 'class', 'seed', 'clicker-steps'];
const demoAttributes = JSON.parse(readFileSync(new URL('./components/allowlist.json', import.meta.url), 'utf8'));

/**
 * Marp's own allowlist plus our custom elements. Passing an object replaces
 * Marp's list, so spread it; anything not listed (scripts, on* handlers,
 * style attributes) stays escaped.
 */
export const htmlAllowlist = {
  ...Marp.html,
  ...Object.fromEntries(Object.entries(demoAttributes).map(([tag, attrs]) => [tag, [...always, ...attrs]])),
};

/** markdown-it plugin: appends the bundle's deferred script to every rendered deck. */
export function demoBundle(md) {
  const render = md.renderer.render.bind(md.renderer);
  md.renderer.render = (tokens, options, env) =>
    `${render(tokens, options, env)}<script defer src="${BUNDLE_PATH}"></script>`;
}

export const marpOptions = {
  html: htmlAllowlist,
  math: 'mathjax',
  emoji: { shortcode: true, unicode: false },
  minifyCSS: true,
};

export default {
  inputDir: './slides',
  output: process.env.DECKS_OUT || './dist',
  themeSet: './slides/themes',
  // <html lang> of every deck (Marp CLI otherwise takes the machine's locale, e.g. "C");
  // a deck's own `lang:` directive in its front matter wins.
  lang: 'en',
  allowLocalFiles: false,
  engine: (options) => new Marp({ ...options, ...marpOptions }).use(demoBundle),
};
