// Debian's Chromium, launched the same way everywhere (tests, PDF export,
// screenshots, benchmarks). Never downloads a browser.
import { chromium } from 'playwright-core';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-background-networking', '--disable-component-update',
  '--no-first-run', '--disable-sync', '--disable-quic', '--disable-dev-shm-usage',
];

/** A persistent context with a fresh user-data-dir. `webgpu` adds --enable-unsafe-webgpu. */
export async function launchChromium({ webgpu = false, viewport = { width: 1280, height: 720 } } = {}) {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: run scripts/ensure-chromium.sh (apt-get install -y chromium)`);
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'chromium-profile-'));
  const args = [...CHROMIUM_ARGS, ...(webgpu ? ['--enable-unsafe-webgpu', '--enable-features=Vulkan'] : [])];
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args,
    viewport,
  });
}
