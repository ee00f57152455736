// npm run trigger -- <function> [<trigger>]: fires a timer trigger now. Talks to a running
// `npm start` (which owns .data/); without one, runs the function in-process on .data/.
import path from 'node:path';
import { buildCloudFunctions } from '../../scripts/build-cloud';
import { Engine, loadSchema } from '../engine';
import { SCHEMA_PATH } from '../cloud';
import { functionsStale, ROOT } from '../runtime/functions';
import { Runner } from '../runtime/runner';
import { allTriggers, fireTrigger } from '../runtime/timers';

async function main() {
  const [fn, name] = process.argv.slice(2);
  const trigger = allTriggers().find((t) => t.functionName === fn && (!name || t.name === name));
  if (!trigger) {
    console.error(`usage: npm run trigger -- <function> [<trigger>]\nknown: ${allTriggers().map((t) => `${t.functionName} ${t.name}`).join(', ') || 'none'}`);
    process.exit(2);
  }
  const port = Number(process.env.PORT ?? 3000);
  try {
    const res = await fetch(`http://127.0.0.1:${port}/api/local/triggers/${trigger.functionName}/${trigger.name}`, { method: 'POST' });
    console.log(JSON.stringify(await res.json(), null, 2));
    return;
  } catch {
    console.log(`no local server on port ${port}; running in-process on the data directory`);
  }
  if (functionsStale()) await buildCloudFunctions();
  const engine = Engine.open({ dataDir: path.resolve(ROOT, process.env.DATA_DIR ?? '.data'), schema: loadSchema(SCHEMA_PATH) });
  try {
    const runner = new Runner(engine).loadAll();
    const { result } = await fireTrigger(runner, trigger);
    console.log(JSON.stringify(result, null, 2));
  } finally {
    engine.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
