// dist/index.html: every deck with its title, description, slide count and link;
// decks of a series (front matter `series:`) are grouped under the series' title, in act order.
const escape = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

/** The series the site knows: folder name → title and a line on what it is. */
export const SERIES = {
  'field-rhymes': {
    title: 'The Field Rhymes',
    description: 'Modern machine learning as a chain of answers: each idea solves the problem the previous one created. Seven acts, 43 chapters, each told in five beats — the puzzle, the bad attempt, the trick, the math, the thing nobody mentions.',
  },
};

const links = (d) => `${d.pdf ? ` · <a href="${escape(d.pdf)}">PDF</a>` : ''}${d.notes ? ` · <a href="${escape(d.notes)}">PDF with notes</a>` : ''}`;

const deckItem = (d) => `<li><a href="${escape(d.href)}"><span class="title">${escape(d.title)}</span></a>
      <p>${escape(d.description)}</p><p class="meta">${d.slides} slides${links(d)}</p></li>`;

/** An act of a series: "Act II · Routing" with its chapters listed. */
const actItem = (d) => {
  const title = d.title.replace(/^[^·:]*·\s*/, '');
  const chapters = d.chapters?.length ? `<ol class="chapters">${d.chapters.map((c) => {
    const [, n, name] = /^(\d+)\s+(.*)$/.exec(c) ?? [null, '', c];
    return `<li${n ? ` value="${escape(n)}"` : ''}>${escape(name)}</li>`;
  }).join('')}</ol>` : '';
  return `<li><a href="${escape(d.href)}"><span class="title">${escape(title)}</span></a>
      ${chapters}<p class="meta">${d.slides} slides${links(d)}</p></li>`;
};

function seriesSection(key, decks) {
  const s = SERIES[key] ?? { title: key, description: '' };
  const acts = [...decks].sort((a, b) => (a.act ?? 0) - (b.act ?? 0));
  return `<section class="series" id="${escape(key)}"><h2>${escape(s.title)}</h2><p>${escape(s.description)}</p>
<ol class="decks acts">
${acts.map(actItem).join('\n')}
</ol></section>`;
}

export function siteIndex(decks, { extraLinks = [] } = {}) {
  const single = decks.filter((d) => !d.series);
  const seriesKeys = [...new Set(decks.filter((d) => d.series).map((d) => d.series))];
  const series = seriesKeys.map((k) => seriesSection(k, decks.filter((d) => d.series === k))).join('\n');
  const extras = extraLinks.map((l) => `<li><a href="${escape(l.href)}">${escape(l.title)}</a> <span class="meta">${escape(l.description ?? '')}</span></li>`).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Lectures with live demos</title>
<link rel="stylesheet" href="assets/site.css">
</head><body>
<header><h1>Lectures with live demos</h1><p>Decks written in Markdown, with machine-learning demos that run in the browser. Press <kbd>F</kbd> for full screen and <kbd>P</kbd> for the presenter view inside a deck.</p></header>
<main><h2>Lectures</h2><ol class="decks">
${single.map(deckItem).join('\n')}
</ol>
${series}${extras ? `<h2>More</h2><ul class="extras">${extras}</ul>` : ''}</main>
</body></html>
`;
}
