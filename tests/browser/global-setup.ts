// Builds the site once per test run into a private folder (several runs may
// share this machine) and serves it on localhost for every browser test.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
// @ts-expect-error plain ESM build scripts without type declarations
import { buildSite } from '../../scripts/build.mjs';
// @ts-expect-error plain ESM build scripts without type declarations
import { serveStatic } from '../../scripts/static-server.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    distDir: string;
  }
}

/** A blank page with the bundle, for mounting a single demo in a test. */
const TEST_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>test</title>
<style>body{margin:20px;font:24px system-ui,sans-serif;width:1180px}</style>
<script defer src="assets/demos.js"></script></head><body></body></html>`;

export default async function setup(project: TestProject) {
  const distDir = path.resolve('.cache', `test-dist-${process.pid}`);
  await mkdir(path.dirname(distDir), { recursive: true });
  await buildSite(distDir, { log: () => {} });
  await writeFile(path.join(distDir, '__test.html'), TEST_PAGE);
  const server = await serveStatic(distDir);
  project.provide('baseUrl', server.url);
  project.provide('distDir', distDir);
  return async () => {
    await server.close();
    await rm(distDir, { recursive: true, force: true });
  };
}
