// A Content-Security-Policy for every built page: only the site's own scripts,
// styles, images and fonts. The few inline blocks a Marp deck needs (bespoke's
// script, the theme's <style>, MathJax's style attributes) are allowed by
// their SHA-256 hashes, computed here at build time, so Markdown cannot add
// any: no 'unsafe-inline', no JavaScript eval, no inline event handlers.
import { createHash } from 'node:crypto';

const sha = (text) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

const decode = (s) =>
  s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** The policy for one HTML document, from the inline content it actually carries. */
export function policyFor(html) {
  const scripts = new Set();
  const styles = new Set();
  const attrs = new Set();
  for (const m of html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)) scripts.add(sha(m[1]));
  for (const m of html.matchAll(/<style[^>]*>([\s\S]*?)<\/style>/g)) styles.add(sha(m[1]));
  for (const m of html.matchAll(/\sstyle="([^"]*)"/g)) attrs.add(sha(decode(m[1])));
  // Bespoke's script sets an empty inline style at start-up: allow exactly the empty string.
  attrs.add(sha(''));
  const styleSrc = ["'self'", ...styles, "'unsafe-hashes'", ...attrs];
  return [
    "default-src 'none'",
    // 'wasm-unsafe-eval' compiles the WebAssembly backend's binary (and only
    // WebAssembly: JavaScript eval stays blocked); it comes from a blob: URL
    // the bundle makes from the bytes it carries.
    `script-src 'self' 'wasm-unsafe-eval' ${[...scripts].join(' ')}`.trim(),
    `style-src ${styleSrc.join(' ')}`,
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self' blob:",
    "frame-src 'self'",
    "worker-src 'self' blob:",
    "media-src 'self'",
    "manifest-src 'self'",
    "base-uri 'self'",
    "form-action 'none'",
    "object-src 'none'",
  ].join('; ');
}

/** Inserts the policy as the first element of <head>. */
export function withCsp(html) {
  const meta = `<meta http-equiv="Content-Security-Policy" content="${policyFor(html)}">`;
  if (/<meta http-equiv="Content-Security-Policy"/.test(html)) return html;
  return html.replace(/<head([^>]*)>/i, (m) => `${m}${meta}`);
}
