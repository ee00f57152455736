// npm start: build what is missing or stale, open the local cloud on .data/, seed the demo brand on
// first start, serve the H5 app and the functions, fire timers on schedule.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { buildCloudFunctions } from '../../scripts/build-cloud';
import { H5_DIR, startLocalCloud } from '../cloud';
import { functionsStale, newestMtime, ROOT } from '../runtime/functions';
import { nextRuns } from '../runtime/timers';
import { scanLink, unclaimedDemoCodes } from '../seed/codes';
import { PERSONAS } from '../seed/personas';

function h5Stale(): boolean {
  const built = path.join(H5_DIR, 'index.html');
  if (!fs.existsSync(built)) return true;
  const sources = newestMtime(['src', 'config', 'babel.config.js', 'tsconfig.json', '.env', '.env.production'].map((p) => path.join(ROOT, p)));
  return fs.statSync(built).mtimeMs < sources;
}

export async function ensureBuilt(log = console.log): Promise<void> {
  if (functionsStale()) {
    log('building cloud functions…');
    await buildCloudFunctions();
  }
  if (h5Stale()) {
    log('building the H5 app: about 1 minute on 2 cores the first time, again only after src/ or config/ change…');
    await taroBuild('h5', log);
  }
}

/**
 * Runs a Taro build (h5 or weapp). On a terminal its progress bar shows as usual; when the output is not a
 * terminal (CI, a log file) the bar would print hundreds of redraws, so the build's output goes to
 * a log file instead, with a line every 15 s, and its tail is printed if it fails.
 */
export async function taroBuild(type: 'h5' | 'weapp', log: (line: string) => void): Promise<void> {
  const logFile = path.join(ROOT, '.taro-cache', `build-${type}.log`);
  const taro = path.join(ROOT, 'node_modules', '.bin', 'taro');
  const env = { ...process.env, NODE_ENV: 'production' };
  if (process.stdout.isTTY) {
    const r = spawnSync(taro, ['build', '--type', type], { cwd: ROOT, stdio: 'inherit', env });
    if (r.status !== 0) throw new Error(`${type} build failed (npm run build:${type} shows why)`);
    return;
  }
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const out = fs.openSync(logFile, 'w');
  const started = Date.now();
  const ticker = setInterval(() => log(`  still building ${type}… ${Math.round((Date.now() - started) / 1000)} s`), 15_000);
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(taro, ['build', '--type', type], { cwd: ROOT, stdio: ['ignore', out, out], env });
      child.on('error', reject);
      child.on('exit', resolve);
    });
    if (code !== 0) {
      const plain = fs.readFileSync(logFile, 'utf8').replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
      log(plain.split(/\r?\n/).filter((l) => l.trim() && !l.includes('█')).slice(-60).join('\n'));
      throw new Error(`${type} build failed (full log: ${logFile})`);
    }
    log(`${type} built in ${Math.round((Date.now() - started) / 1000)} s (log: ${path.relative(ROOT, logFile)})`);
  } finally {
    clearInterval(ticker);
    fs.closeSync(out);
  }
}

/** The banner's try-it lines: demo codes to type on 扫码赚积分 and a link that scans one (docs/client.md). */
export function demoCodesBanner(appUrl: string, codes: string[]): string {
  if (!codes.length) return '  scan:     every demo code has been claimed (docs/codes.md: export another batch)';
  return [
    `  scan:     demo codes to type on 扫码赚积分 (one scan each earns points): ${codes.join('  ')}`,
    `            or open ${scanLink(appUrl, codes[0])} to scan the first one`,
  ].join('\n');
}

async function main() {
  await ensureBuilt();
  const dataDir = path.resolve(ROOT, process.env.DATA_DIR ?? '.data');
  const port = Number(process.env.PORT ?? 3000);
  const quiet = process.env.LOG_REQUESTS === '0';
  const cloud = await startLocalCloud({ dataDir, port, timers: true, log: quiet ? () => {} : (l) => console.log(l) });
  console.log(`
积分运营 local cloud is running
  app:      ${cloud.url}/
  data:     ${dataDir}${cloud.seeded ? ' (demo brand seeded)' : ''}
  personas: ${PERSONAS.map((p) => `${p.id} (${p.nickname}, ${p.role === 'operator' ? '运营' : '顾客'})`).join(', ')}
            switch persona in the app (本地身份, on 首页 and 我的) or send header X-Persona: <id>
${demoCodesBanner(cloud.url, unclaimedDemoCodes(cloud.runner))}
  timers:   ${nextRuns().map((r) => `${r.trigger.functionName}/${r.trigger.name} next ${r.next}`).join('; ') || 'none'}
  stop:     Ctrl+C`);
  const shutdown = async () => {
    await cloud.close();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
