// Function invocation through the runner: the real built `user` function, the real SDK, the engine.
import { Engine, loadSchema } from '../local/engine';
import { SCHEMA_PATH } from '../local/cloud';
import { Runner } from '../local/runtime/runner';
import { buildCloudFunctions } from '../scripts/build-cloud';

export async function benchInvoke(opts: { quick: boolean }): Promise<Record<string, number>> {
  await buildCloudFunctions(['user']);
  const engine = Engine.open({ dataDir: null, schema: loadSchema(SCHEMA_PATH) });
  const runner = new Runner(engine);
  runner.load('user');
  const members = 64;
  const concurrency = 64;
  const total = opts.quick ? 5_000 : 40_000;
  const openid = (i: number) => `oBench${String(i % members).padStart(3, '0')}`;
  for (let i = 0; i < members; i++) await runner.callAsMember('user', { action: 'login' }, openid(i));

  const repeat = await runner.callAsMember('user', { action: 'login' }, openid(0));
  const dbRequestsPerRepeat = repeat.dbRequests;

  let next = 0;
  let failures = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const { result } = await runner.callAsMember('user', { action: 'login' }, openid(i));
        if (!(result as { ok?: boolean }).ok) failures++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  engine.close();
  if (failures) throw new Error(`${failures} login calls failed during the bench`);
  return {
    invoke_login_per_s: Math.round(total / seconds),
    db_requests_per_login_repeat: dbRequestsPerRepeat,
  };
}
