// Standalone demo pages: dist/demos/<tag>.html for every tag in
// components/allowlist.json (description and attributes from the element's
// JSDoc, the configurations the decks use, live, with links back to their
// slides) and a gallery dist/demos/index.html with a live thumbnail of each.
// No inline scripts or style attributes: the build's CSP applies here too.
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { Marp } from '@marp-team/marp-core';
import { marpOptions } from '../marp.config.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Escapes text for HTML content and double-quoted attribute values. */
export const escapeHtml = (s) =>
  String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

const decodeHtml = (s) =>
  s.replace(/&(#x[0-9a-f]+|#\d+|quot|apos|lt|gt|amp);/gi, (m, e) => {
    const k = e.toLowerCase();
    if (k === 'quot') return '"';
    if (k === 'apos') return "'";
    if (k === 'lt') return '<';
    if (k === 'gt') return '>';
    if (k === 'amp') return '&';
    if (k.startsWith('#x')) return String.fromCodePoint(parseInt(k.slice(2), 16));
    return String.fromCodePoint(parseInt(k.slice(1), 10));
  });

/** Description and @attr list from the JSDoc block right above the element's class. */
export function parseJsDoc(source) {
  const m = /\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*export\s+(?:default\s+)?class\b/.exec(source);
  if (!m) return { description: '', attrs: [] };
  const lines = m[1].split('\n').map((l) => l.replace(/^\s*\*\s?/, '').trimEnd());
  const description = [];
  const attrs = [];
  let current = null;
  let inTags = false;
  for (const line of lines) {
    const tag = /^@(\w+)\s*(.*)$/.exec(line.trim());
    if (tag) {
      inTags = true;
      current = null;
      if (tag[1] === 'attr') {
        const a = /^([\w-]+)\s*(?:-\s*)?(.*)$/.exec(tag[2]);
        if (a) attrs.push((current = { name: a[1], text: a[2] }));
      }
      continue;
    }
    if (inTags) {
      if (current && line.trim()) current.text += ` ${line.trim()}`;
      continue;
    }
    description.push(line);
  }
  const paragraphs = description.join('\n').trim().split(/\n\s*\n/).map((p) => p.replace(/\s+/g, ' ').trim()).filter(Boolean);
  // The first paragraph opens with "`<tag>` — "; the page's heading already names the tag.
  if (paragraphs[0]) paragraphs[0] = paragraphs[0].replace(/^`<[a-z-]+>`\s*[—–-]\s*/, '').replace(/^./, (c) => c.toUpperCase());
  return { description: paragraphs, attrs };
}

/** Attributes of one start tag, decoded: [[name, value | null], …]. */
function parseAttributes(startTag) {
  const body = startTag.replace(/^<[a-z][\w-]*/i, '').replace(/\/?>$/, '');
  const out = [];
  for (const m of body.matchAll(/([^\s"'>\/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g)) {
    const value = m[2] ?? m[3] ?? m[4];
    out.push([m[1].toLowerCase(), value === undefined ? null : decodeHtml(value)]);
  }
  return out;
}

/** Markup of an element, every attribute value escaped afresh. */
function markup(tag, attrs, content = '') {
  const a = attrs.map(([n, v]) => (v === null ? ` ${n}` : ` ${n}="${escapeHtml(v)}"`)).join('');
  return `<${tag}${a}>${content}</${tag}>`;
}

/**
 * Every distinct usage of each demo tag in the decks: attributes (ids dropped),
 * inner content, and the slides that use it.
 */
export function findUsages(tags, decks) {
  const usages = new Map(tags.map((t) => [t, []]));
  const marp = new Marp({ ...marpOptions, math: false });
  for (const deck of decks) {
    const { html } = marp.render(deck.markdown, { htmlAsArray: true });
    html.forEach((slide, i) => {
      for (const tag of tags) {
        const re = new RegExp(`(<${tag}\\b[^>]*>)([\\s\\S]*?)</${tag}>`, 'g');
        for (const m of slide.matchAll(re)) {
          const attrs = parseAttributes(m[1]).filter(([n]) => n !== 'id');
          const content = decodeHtml(m[2]);
          const key = JSON.stringify([attrs, content.trim()]);
          const list = usages.get(tag);
          let u = list.find((x) => x.key === key);
          if (!u) list.push((u = { key, attrs, content, slides: [] }));
          u.slides.push({ deck: deck.name, title: deck.title, slide: i + 1 });
        }
      }
    });
  }
  return usages;
}

const page = (title, body, { css = 'page.css' } = {}) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="${css}">
<script defer src="../assets/demos.js"></script>
</head><body>
${body}
</body></html>
`;

/** A deck's URL path from a demo page: each segment encoded ("field-rhymes/act-1-apparatus" keeps its slash). */
const deckPath = (deck) => deck.split('/').map(encodeURIComponent).join('/');

/** Inline code spans (`x`) in JSDoc text, escaped. */
const prose = (s) => escapeHtml(s).replace(/`([^`]+)`/g, '<code>$1</code>');

function demoPage(tag, doc, usages) {
  const attrRows = doc.attrs.length
    ? `<dl class="attrs">${doc.attrs.map((a) => `<dt><code>${escapeHtml(a.name)}</code></dt><dd>${prose(a.text)}</dd>`).join('\n')}</dl>`
    : '<p>No attributes.</p>';
  const presets = usages.map((u, i) => {
    const shown = markup(tag, u.attrs, escapeHtml(u.content));
    const live = markup(tag, [['id', `preset-${i + 1}`], ...u.attrs], escapeHtml(u.content));
    const links = u.slides
      .map((s) => `<a href="../${deckPath(s.deck)}.html#${s.slide}">${escapeHtml(s.title)}, slide ${s.slide}</a>`)
      .join(' · ');
    return `<section class="preset"><h3>Preset ${i + 1}</h3>
<p class="used">Used in ${links}</p>
<pre><code>${escapeHtml(shown)}</code></pre>
<div class="stage">${live}</div></section>`;
  });
  presets.push(`<section class="preset"><h3>Default</h3>
<p class="used">The element with no attributes: every attribute at its default.</p>
<pre><code>${escapeHtml(`<${tag}></${tag}>`)}</code></pre>
<div class="stage"><${tag} id="preset-default"></${tag}></div></section>`);
  const decks = [...new Map(usages.flatMap((u) => u.slides).map((s) => [`${s.deck}#${s.slide}`, s])).values()];
  return page(`<${tag}> · live demo`, `<header><nav><a href="index.html">← all demos</a> · <a href="../index.html">lectures</a></nav>
<h1><code>&lt;${escapeHtml(tag)}&gt;</code></h1>
${doc.description.map((p) => `<p class="lead">${prose(p)}</p>`).join('\n')}
</header>
<main>
<h2>Attributes</h2>
${attrRows}
<p class="note">Every demo also takes <code>id</code> and <code>seed</code> (random choices, default 42). A bad value is explained inside the box and the default is used.</p>
<h2>Configurations</h2>
${presets.join('\n')}
<h2>In the lectures</h2>
${decks.length ? `<ul class="slides">${decks.map((s) => `<li><a href="../${deckPath(s.deck)}.html#${s.slide}">${escapeHtml(s.title)}, slide ${s.slide}</a></li>`).join('\n')}</ul>` : '<p>No deck uses this demo yet.</p>'}
</main>`);
}

/** The opening sentence of a paragraph, for a gallery card. */
const firstSentence = (p) => /^[\s\S]*?[.!?](?=\s+[A-Z"(]|$)/.exec(p)?.[0] ?? p;

function gallery(entries) {
  const cards = entries
    .map(({ tag, doc, usages }) => `<li class="card"><a href="${tag}.html"><span class="name"><code>&lt;${tag}&gt;</code></span></a>
<div class="thumb"><div class="zoom"><${tag}></${tag}></div></div>
<p>${prose(firstSentence(doc.description[0] ?? ''))}</p>
<p class="meta">${usages.length} configuration${usages.length === 1 ? '' : 's'} in the decks · <a href="${tag}.html">open the demo</a></p></li>`)
    .join('\n');
  return page('Demo gallery', `<header><nav><a href="../index.html">← lectures</a></nav>
<h1>Demo gallery</h1><p class="lead">Every live demo of the lectures, running here with its default settings. Open one for its attributes, the configurations the decks use, and links to their slides.</p></header>
<main><ul class="gallery">
${cards}
</ul></main>`);
}

/** Writes dist/demos/: one page per allowlisted tag and the gallery. */
export async function buildDemoPages(outDir, decks) {
  const dir = path.join(outDir, 'demos');
  await mkdir(dir, { recursive: true });
  await copyFile(path.join(root, 'demos/page.css'), path.join(dir, 'page.css'));
  const tags = Object.keys(JSON.parse(await readFile(path.join(root, 'components/allowlist.json'), 'utf8'))).sort();
  const withSource = await Promise.all(decks.map(async (d) => ({ ...d, markdown: await readFile(d.file, 'utf8') })));
  const usages = findUsages(tags, withSource);
  const entries = [];
  for (const tag of tags) {
    const source = await readFile(path.join(root, 'components/elements', `${tag}.ts`), 'utf8').catch(() => '');
    const doc = parseJsDoc(source);
    entries.push({ tag, doc, usages: usages.get(tag) });
    await writeFile(path.join(dir, `${tag}.html`), demoPage(tag, doc, usages.get(tag)));
  }
  await writeFile(path.join(dir, 'index.html'), gallery(entries));
  return entries.map((e) => e.tag);
}
