// A memory-only local cloud for integration tests: the real built functions, the real SDK, the
// engine behind its transport.
import { Engine, loadSchema } from '../../local/engine';
import { latencyFromEnv } from '../../local/engine/engine';
import { SCHEMA_PATH } from '../../local/cloud';
import { Runner } from '../../local/runtime/runner';

export interface TestCloud {
  engine: Engine;
  runner: Runner;
  /** A member's mini-program call; returns the function's reply. */
  call<T = any>(fn: string, data: Record<string, unknown>, openid?: string): Promise<T>;
  /** Same, plus how many database requests the call made. */
  callCounted<T = any>(fn: string, data: Record<string, unknown>, openid?: string): Promise<{ reply: T; dbRequests: number }>;
}

/**
 * LOCAL_DB_LATENCY_MS (npm test sets it for a second run of the randomized suites) makes every
 * database request wait that long, so transactions hold their locks for as long as on the cloud.
 */
export function createTestCloud(opts: { latencyMs?: number } = {}): TestCloud {
  // documentedTransactionsOnly: the app stays within WeChat's documented transaction rules.
  const engine = Engine.open({ dataDir: null, schema: loadSchema(SCHEMA_PATH), latencyMs: opts.latencyMs ?? latencyFromEnv(), documentedTransactionsOnly: true });
  const runner = new Runner(engine).loadAll();
  const callCounted = async (fn: string, data: Record<string, unknown>, openid = 'oTEST-member') => {
    const { result, dbRequests } = await runner.callAsMember(fn, data, openid);
    return { reply: result as any, dbRequests };
  };
  return { engine, runner, callCounted, call: async (fn, data, openid) => (await callCounted(fn, data, openid)).reply };
}

export const makeOperator = (cloud: TestCloud, openid: string) =>
  cloud.engine.insertMany('admins', [{ _id: openid, name: 'test operator', createdAt: new Date() }]);
