// Assembles the local cloud: engine (persistent under dataDir) + runner (built functions) + demo
// seed + timer schedule + HTTP server. `npm start`, the end-to-end tests and the bench use this.
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Engine, loadSchema } from './engine';
import { ROOT } from './runtime/functions';
import { Runner } from './runtime/runner';
import { ensureLocalSecrets } from './runtime/secrets';
import { scheduleTriggers } from './runtime/timers';
import { seedDemo } from './seed/demo';
import { createServer } from './server/server';

export const SCHEMA_PATH = path.join(ROOT, 'database', 'schema.json');
export const H5_DIR = path.join(ROOT, 'dist-h5');

export interface LocalCloudOptions {
  /** Where the journal and snapshot live; null = memory only. */
  dataDir: string | null;
  port?: number;
  host?: string;
  /** Start the config.json timer schedules (off in tests, which fire triggers on demand). */
  timers?: boolean;
  seed?: boolean;
  log?: (line: string) => void;
}

export interface LocalCloud {
  engine: Engine;
  runner: Runner;
  server: http.Server;
  url: string;
  seeded: boolean;
  close(): Promise<void>;
}

export async function startLocalCloud(opts: LocalCloudOptions): Promise<LocalCloud> {
  const log = opts.log ?? (() => {});
  // The app is held to WeChat's documented transaction rules, whatever else the engine (as the server) accepts.
  const engine = Engine.open({ dataDir: opts.dataDir, schema: loadSchema(SCHEMA_PATH), documentedTransactionsOnly: true });
  if (engine.dump('lots').length) {
    // Written before lots moved into the accounts (pre-release layout; no migration is kept for it).
    engine.close();
    throw new Error(`${opts.dataDir} holds data of an older ledger layout (a lots collection): delete or move that directory and start again to reseed`);
  }
  ensureLocalSecrets(opts.dataDir); // the code signing keys, generated once into the data directory
  const runner = new Runner(engine).loadAll();
  if (opts.dataDir) runner.filesDir = path.join(opts.dataDir, 'files');
  const seeded = opts.seed === false ? false : await seedDemo(runner);
  const stopTimers = opts.timers ? scheduleTriggers(runner, undefined, log) : () => {};
  const server = createServer({ runner, staticDir: H5_DIR, log });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    engine,
    runner,
    server,
    seeded,
    url: `http://${address}:${port}`,
    async close() {
      stopTimers();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections?.();
      engine.close();
    },
  };
}
