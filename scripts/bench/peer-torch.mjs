// The PyTorch peer of the MLP benchmark: Debian's python3-torch (installed with
// apt-get when missing, as the bench needs it) runs scripts/bench/mlp_torch.py,
// the same model and recipe as <mlp-trainer>, in the same `npm run bench`.
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { MAKEMORE_PATH } from './names-page.mjs';

// Debian's interpreter: the python3 first on PATH may not see Debian's packages.
export const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./mlp_torch.py', import.meta.url));

const hasTorch = () => spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;

/** Installs python3-torch with apt-get when it is missing; returns false if it cannot. */
export function ensureTorch(log = console.log) {
  if (hasTorch()) return true;
  log('installing python3-torch with apt-get (the PyTorch peer of the MLP benchmark)');
  const apt = (args) => spawnSync('apt-get', args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).status === 0;
  if (!apt(['install', '-y', '-q', 'python3-torch'])) apt(['update', '-q']) && apt(['install', '-y', '-q', 'python3-torch']);
  return hasTorch();
}

/** Runs the PyTorch peer; resolves to its JSON report (steps/s, seconds to the targets per seed). */
export function benchTorch({ seeds = [1, 2, 3], threads = 2, best = true } = {}) {
  if (!ensureTorch()) return { unavailable: 'python3-torch could not be installed here' };
  const args = [SCRIPT, '--names', MAKEMORE_PATH, '--threads', String(threads), '--seeds', ...seeds.map(String), ...(best ? ['--best'] : [])];
  const out = execFileSync(PYTHON, args, { encoding: 'utf8', maxBuffer: 1 << 20, env: { ...process.env, OMP_NUM_THREADS: String(threads) } });
  return JSON.parse(out.trim().split('\n').pop());
}

/** The median of the reached runs' seconds (null when none reached the target). */
export function medianSeconds(runs) {
  const s = runs.filter((r) => r.reached).map((r) => r.seconds).sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : null;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(benchTorch(), null, 2));
}
