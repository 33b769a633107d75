// A small static file server for tests, previews and `npm start`. Serves a
// folder under an optional sub-path (to prove every URL is relative).
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json', '.map': 'application/json',
  '.woff2': 'font/woff2', '.woff': 'font/woff', '.ttf': 'font/ttf', '.pdf': 'application/pdf', '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

/**
 * @param {string} root folder to serve
 * @param {{ base?: string, port?: number, transformHtml?: (html: string) => string, routes?: Record<string, (req, res) => void> }} options
 */
export function serveStatic(root, { base = '/', port = 0, transformHtml, routes = {} } = {}) {
  const prefix = base.endsWith('/') ? base : `${base}/`;
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (routes[url.pathname]) return routes[url.pathname](req, res);
    // Browsers probe /favicon.ico at the host's root; answer it so it is not a 404 in the console.
    if (url.pathname === '/favicon.ico') return void res.writeHead(204).end();
    if (!url.pathname.startsWith(prefix)) {
      res.writeHead(404).end('not found');
      return;
    }
    let rel = decodeURIComponent(url.pathname.slice(prefix.length));
    if (rel === '' || rel.endsWith('/')) rel += 'index.html';
    const file = path.resolve(root, rel);
    if (!file.startsWith(path.resolve(root))) {
      res.writeHead(403).end();
      return;
    }
    try {
      if ((await stat(file)).isDirectory()) {
        res.writeHead(301, { location: `${url.pathname}/` }).end();
        return;
      }
      let body = await readFile(file);
      const type = TYPES[path.extname(file)] ?? 'application/octet-stream';
      if (transformHtml && type.startsWith('text/html')) body = Buffer.from(transformHtml(body.toString('utf8')));
      res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  return new Promise((resolve) => {
    server.listen(port, '127.0.0.1', () => {
      const { port: actual } = server.address();
      resolve({ server, port: actual, url: `http://127.0.0.1:${actual}${prefix}`, close: () => new Promise((r) => server.close(r)) });
    });
  });
}
