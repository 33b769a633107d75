// Screenshots of every slide of every deck (or the decks named on the command
// line) at 1280×720, under test-output/shots/<deck>/NN.png, after each slide's
// demos are ready. For reviewers: look at a whole deck in a minute.
//   node scripts/shots.mjs [--no-build] [deck-name ...]
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { buildSite } from './build.mjs';
import { launchChromium } from './chromium.mjs';
import { serveStatic } from './static-server.mjs';
import { deckFiles, deckName } from './decks.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const noBuild = args.includes('--no-build');
const wanted = args.filter((a) => !a.startsWith('--'));
const outDir = path.join(root, '.cache', `shots-dist-${process.pid}`);

await buildSite(outDir, { log: () => {} });
const server = await serveStatic(outDir);
const context = await launchChromium();
const page = context.pages()[0] ?? (await context.newPage());
page.on('console', (m) => m.type() === 'error' && console.log(`  console error: ${m.text()}`));
page.on('pageerror', (e) => console.log(`  page error: ${e.message}`));
try {
  const decks = (await deckFiles()).map(deckName).filter((d) => !wanted.length || wanted.includes(d));
  for (const deck of decks) {
    const dir = path.join(root, 'test-output', 'shots', deck);
    await mkdir(dir, { recursive: true });
    await page.goto(`${server.url}${deck}.html`);
    // Marp's page controller ("Page N of M") is for a live mouse, not for a picture of the slide.
    await page.evaluate(() => {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync('.bespoke-marp-osc { display: none !important; }');
      document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
    });
    const count = await page.evaluate(() => document.querySelectorAll('svg.bespoke-marp-slide').length);
    for (let i = 1; i <= count; i++) {
      await page.evaluate((n) => (location.hash = `#${n}`), i);
      await page.waitForFunction((n) => document.querySelectorAll('svg.bespoke-marp-slide')[n - 1]?.classList.contains('bespoke-marp-active'), i);
      // Wait for every demo on the slide to settle (bounded, so a stuck demo is visible, not fatal).
      await page
        .waitForFunction((n) => {
          const slide = document.querySelectorAll('svg.bespoke-marp-slide')[n - 1];
          return [...slide.querySelectorAll('*')].filter((e) => 'ready' in e).every((e) => e.hasAttribute('data-ready'));
        }, i, { timeout: 20000 })
        .catch(() => console.log(`  ${deck} slide ${i}: a demo did not become ready in 20 s`));
      await page.waitForTimeout(150);
      await page.screenshot({ path: path.join(dir, `${String(i).padStart(2, '0')}.png`) });
    }
    console.log(`${deck}: ${count} slides → ${path.relative(root, dir)}/`);
  }
} finally {
  await context.close();
  await server.close();
  const { rm } = await import('node:fs/promises');
  await rm(outDir, { recursive: true, force: true });
}
