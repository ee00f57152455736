// Shared set-up for the engine compatibility suite: the REAL wx-server-sdk, with only its database
// transport (Db.reqClass) routed to a local Engine that each test can swap.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Engine, EngineOptions, loadSchema } from '../../local/engine';
import { installEngineSeam } from '../../local/engine/sdk-seam';

export const ROOT = path.resolve(__dirname, '../..');

export interface Sdk {
  cloud: any;
  db: any;
  _: any;
  /** The engine the seam currently routes to. */
  engine: Engine;
  /** Opens a fresh engine (memory only unless dataDir) and routes the SDK to it. */
  fresh(opts?: EngineOptions): Engine;
  /** Routes the SDK to an existing engine. */
  use(e: Engine): Engine;
}

export function setupSdk(): Sdk {
  let engine = Engine.open();
  installEngineSeam(() => engine, { paths: [ROOT] });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const cloud = require('wx-server-sdk');
  cloud.init({ env: 'local-test' });
  const db = cloud.database();
  return {
    cloud,
    db,
    _: db.command,
    get engine() {
      return engine;
    },
    fresh(opts: EngineOptions = {}) {
      engine = Engine.open(opts);
      return engine;
    },
    use(e: Engine) {
      engine = e;
      return e;
    }
  };
}

export function schema() {
  return loadSchema(path.join(ROOT, 'database/schema.json'));
}

export function tmpDir(prefix = 'engine-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function rmDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/** Resolves after `ms` real milliseconds. */
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Captures the rejection of a promise (fails the test if it resolves). */
export async function rejection(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected the promise to reject');
}
