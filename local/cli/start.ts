// npm start: build what is missing or stale, open the local cloud on .data/, seed the demo brand on
// first start, serve the H5 app and the functions, fire timers on schedule.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { buildCloudFunctions } from '../../scripts/build-cloud';
import { H5_DIR, startLocalCloud } from '../cloud';
import { functionsStale, newestMtime, ROOT } from '../runtime/functions';
import { nextRuns } from '../runtime/timers';
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
    log('building the H5 app (about 30 s)…');
    const taro = path.join(ROOT, 'node_modules', '.bin', 'taro');
    const r = spawnSync(taro, ['build', '--type', 'h5'], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
    if (r.status !== 0) throw new Error('H5 build failed (npm run build:h5 shows why)');
  }
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
            switch persona in the app (我的 → 切换身份) or send header X-Persona: <id>
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
