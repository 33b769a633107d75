// `npm start`: builds the site, serves dist/ on localhost, and rebuilds and
// reloads open pages when slides, components or diagrams change. The reload
// hook is injected by the server into HTML responses only; dist/ stays clean.
import { watch } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { buildSite } from './build.mjs';
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

let timer = null;
let building = false;
let again = false;
async function rebuild() {
  if (building) {
    again = true;
    return;
  }
  building = true;
  try {
    await buildSite(dist);
    for (const res of clients) res.write('data: reload\n\n');
  } catch (error) {
    console.error('build failed:', error.message);
  } finally {
    building = false;
    if (again) {
      again = false;
      void rebuild();
    }
  }
}

for (const dir of ['slides', 'components', 'diagrams', 'demos']) {
  watch(path.join(root, dir), { recursive: true }, (_event, file) => {
    if (!file || file.includes('node_modules')) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      console.log(`changed: ${dir}/${file}`);
      void rebuild();
    }, 150);
  });
}
