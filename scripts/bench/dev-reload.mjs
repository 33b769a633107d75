// The authoring loop of `npm start`: seconds from saving a slide file (its own
// content written back) to the reload message the dev server sends open pages,
// and the same for a file under components/ (a re-bundle). Target: a slide edit ≤ 1 s.
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

function startDev(port) {
  const child = spawn(process.execPath, [path.join(root, 'scripts/dev.mjs')], { cwd: root, env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  const ready = new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => String(d).includes('Serving the decks') && resolve());
    child.on('exit', (code) => reject(new Error(`npm start exited with ${code}`)));
  });
  return { child, ready };
}

/** Resolves with the seconds between `touch()` and the next reload message on the server's event stream. */
function timeReload(port, touch) {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/__reload' }, (res) => {
      let t0 = null;
      res.on('data', async (chunk) => {
        if (String(chunk).includes(': connected')) {
          t0 = performance.now();
          await touch();
        } else if (t0 !== null && String(chunk).includes('data: reload')) {
          resolve(+((performance.now() - t0) / 1000).toFixed(2));
          req.destroy();
        }
      });
    });
    req.on('error', reject);
    setTimeout(() => reject(new Error('no reload within 120 s')), 120_000).unref();
  });
}

const rewrite = (file) => async () => writeFile(file, await readFile(file));

export async function benchDevReload({ port = 18_437, runs = 3 } = {}) {
  const { child, ready } = startDev(port);
  try {
    await ready;
    const slide = path.join(root, 'slides/temperature.md');
    const component = path.join(root, 'components/runtime/rng.ts');
    const slideTimes = [];
    for (let i = 0; i < runs; i++) {
      slideTimes.push(await timeReload(port, rewrite(slide)));
      await new Promise((r) => setTimeout(r, 3000)); // an author's next save comes seconds later
    }
    const componentTimes = [await timeReload(port, rewrite(component))];
    return {
      slideEditToReloadSeconds: Math.min(...slideTimes), slideRuns: slideTimes,
      componentEditToReloadSeconds: componentTimes[0], target: 'slide edit to reload ≤ 1 s',
    };
  } finally {
    child.kill();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(await benchDevReload(), null, 2));
}
