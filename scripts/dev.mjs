// `npm start`: builds the site, serves dist/ on localhost, and rebuilds and
// reloads open pages when slides, components or diagrams change. The reload
// hook is injected by the server into HTML responses only; dist/ stays clean.
import { watch } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { buildAssets, buildDiagramsInto, buildIndex, buildSite, rebuildDeck } from './build.mjs';
import { deckFiles, describeDeck } from './decks.mjs';
import { serveStatic } from './static-server.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = path.join(root, 'dist');
const port = Number(process.env.PORT ?? 8080);
const clients = new Set();

// An external script (not inline) so the pages' Content-Security-Policy allows it.
const RELOAD = `<script src="/__reload.js"></script>`;

await buildSite(dist);
const server = await serveStatic(dist, {
  port,
  transformHtml: (html) => html.replace('</body>', `${RELOAD}</body>`),
  routes: {
    '/__reload.js': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end("new EventSource('/__reload').onmessage = () => location.reload();");
    },
    '/__reload': (req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      res.write(': connected\n\n');
      clients.add(res);
      req.on('close', () => clients.delete(res));
    },
  },
});
console.log(`Serving the decks at ${server.url}  (Ctrl+C to stop)`);

// What a change touches: a slide file rebuilds that deck alone and reloads at once (the index
// and demo pages follow after the reload); components/ re-bundles; diagrams/ re-renders the
// diagrams; a theme or anything else rebuilds the site.
const pending = new Set();
let timer = null;
let building = false;

const reload = () => {
  for (const res of clients) res.write('data: reload\n\n');
};

// The index and demo pages describe every deck; they follow a deck edit without holding up the next one.
let indexing = null;
async function refreshIndex() {
  await indexing;
  indexing = (async () => buildIndex(dist, await Promise.all((await deckFiles()).map(describeDeck))))()
    .catch((error) => console.error('index failed:', error.message));
}

async function rebuild(changes) {
  const t0 = performance.now();
  const decks = [...changes].filter((f) => f.startsWith('slides/') && f.endsWith('.md') && !f.startsWith('slides/themes/'));
  const only = (prefix) => [...changes].every((f) => f.startsWith(prefix));
  if (decks.length && decks.length === changes.size) {
    for (const f of decks) await rebuildDeck(dist, path.join(root, f));
    reload();
    console.log(`rebuilt ${decks.join(', ')} and reloaded in ${((performance.now() - t0) / 1000).toFixed(2)} s`);
    void refreshIndex();
  } else if (only('components/')) {
    await buildAssets(dist);
    reload();
    console.log(`re-bundled and reloaded in ${((performance.now() - t0) / 1000).toFixed(2)} s`);
  } else if (only('diagrams/')) {
    await buildDiagramsInto(dist);
    reload();
  } else {
    await buildSite(dist);
    reload();
  }
}

async function drain() {
  if (building || !pending.size) return;
  building = true;
  const changes = new Set(pending);
  pending.clear();
  try {
    await rebuild(changes);
  } catch (error) {
    console.error('build failed:', error.message);
  } finally {
    building = false;
    void drain();
  }
}

for (const dir of ['slides', 'components', 'diagrams', 'demos']) {
  watch(path.join(root, dir), { recursive: true }, (_event, file) => {
    if (!file || file.includes('node_modules')) return;
    pending.add(`${dir}/${file.split(path.sep).join('/')}`);
    clearTimeout(timer);
    timer = setTimeout(() => {
      console.log(`changed: ${[...pending].join(', ')}`);
      void drain();
    }, 50);
  });
}
