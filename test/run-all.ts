// npm test: builds what the suites test (functions, weapp for the compiled-page tests, H5 for the
// browser), runs every jest suite, then the end-to-end suite in headless Chromium against the
// server `npm start` runs. Chromium is installed with apt when missing and we are root.
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { buildCloudFunctions } from '../scripts/build-cloud';
import { ensureBuilt, taroBuild } from '../local/cli/start';
import { newestMtime, ROOT } from '../local/runtime/functions';
import { chromiumPath } from './e2e/chromium';

const bin = (name: string) => path.join(ROOT, 'node_modules', '.bin', name);

function run(label: string, cmd: string, args: string[], opts: SpawnSyncOptions = {}): void {
  const started = Date.now();
  console.log(`\n▶ ${label}`);
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', ...opts });
  if (r.status !== 0) {
    console.error(`✖ ${label} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status || 1);
  }
  console.log(`✔ ${label} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

function weappStale(): boolean {
  const built = path.join(ROOT, 'dist', 'app.js');
  if (!fs.existsSync(built)) return true;
  const sources = newestMtime(['src', 'config', 'babel.config.js', '.env', '.env.production'].map((p) => path.join(ROOT, p)));
  return fs.statSync(built).mtimeMs < sources;
}

function ensureChromium(): void {
  if (chromiumPath()) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    console.error('Chromium is missing. Install it (Debian: sudo apt-get install -y chromium) or set CHROMIUM_PATH, then rerun npm test.');
    process.exit(1);
  }
  run('install Chromium (apt)', 'bash', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null']);
  if (!chromiumPath()) {
    console.error('apt-get finished but no chromium binary was found.');
    process.exit(1);
  }
}

async function main() {
  const only = process.argv[2]; // optional: unit | e2e
  await buildCloudFunctions();
  if (only !== 'e2e') {
    if (weappStale()) {
      console.log('\n▶ build weapp (about 1 minute on 2 cores)');
      await taroBuild('weapp', (l) => console.log(l));
    }
    run('jest: unit, engine, contract, integration, compiled pages', bin('jest'), ['--ci']);
  }
  if (only !== 'unit') {
    await ensureBuilt((l) => console.log(l));
    ensureChromium();
    run('jest: end to end in Chromium', bin('jest'), ['--ci', '-c', 'test/e2e/jest.config.js']);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
