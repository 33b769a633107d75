// dist/index.html: every deck with its title, description, slide count and link.
const escape = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

export function siteIndex(decks, { extraLinks = [] } = {}) {
  const items = decks
    .map((d) => `<li><a href="${escape(d.href)}"><span class="title">${escape(d.title)}</span></a>
      <p>${escape(d.description)}</p><p class="meta">${d.slides} slides${d.pdf ? ` · <a href="${escape(d.pdf)}">PDF</a>` : ''}${d.notes ? ` · <a href="${escape(d.notes)}">PDF with notes</a>` : ''}</p></li>`)
    .join('\n');
  const extras = extraLinks.map((l) => `<li><a href="${escape(l.href)}">${escape(l.title)}</a> <span class="meta">${escape(l.description ?? '')}</span></li>`).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Lectures with live demos</title>
<link rel="stylesheet" href="assets/site.css">
</head><body>
<header><h1>Lectures with live demos</h1><p>Decks written in Markdown, with machine-learning demos that run in the browser. Press <kbd>F</kbd> for full screen and <kbd>P</kbd> for the presenter view inside a deck.</p></header>
<main><ol class="decks">
${items}
</ol>${extras ? `<h2>More</h2><ul class="extras">${extras}</ul>` : ''}</main>
</body></html>
`;
}
