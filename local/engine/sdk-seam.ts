/**
 * The in-process seam: makes every `new Db.reqClass(config).send(action, params)` of
 * @cloudbase/database go to a local engine instead of the HTTP requester.
 *
 * @cloudbase/node-sdk assigns `Db.reqClass = TcbDBApiHttpRequester` on EVERY `database()` call, so
 * the override is a getter with a no-op setter (sticky). It is installed on the @cloudbase/database
 * copy that wx-server-sdk resolves from each given directory (each cloud-function folder may carry
 * its own node_modules). Installing again only swaps the engine getter (idempotent).
 *
 * Offline use needs no environment variables: with the seam in place the SDK never signs or sends a
 * request. (`cloud.init({env})` works as is; `cloud.getWXContext()` reads WX_* / TCB_* env vars.)
 */
import * as path from 'path';
import type { Engine } from './index';

/** What the seam needs from an engine: its `send`. */
export type EngineLike = Pick<Engine, 'send'>;

const STATE = Symbol.for('jifen-yunying.local-engine.seam');

interface SeamState {
  getEngine: () => EngineLike;
  previous: PropertyDescriptor | undefined;
}

/** Path of the @cloudbase/database module wx-server-sdk uses when required from `fromDir`. */
export function resolveDatabaseModule(fromDir: string = process.cwd()): string {
  const sdkDir = path.dirname(require.resolve('wx-server-sdk', { paths: [fromDir] }));
  let nodeSdkDir: string;
  try {
    nodeSdkDir = path.dirname(require.resolve('@cloudbase/node-sdk/package.json', { paths: [sdkDir] }));
  } catch {
    nodeSdkDir = sdkDir;
  }
  return require.resolve('@cloudbase/database', { paths: [nodeSdkDir, sdkDir] });
}

/**
 * Routes the SDK's database requests to `getEngine()` (called per request, so the engine can be
 * swapped). `paths`: directories to resolve wx-server-sdk from (default: process.cwd()).
 * Returns the @cloudbase/database module paths it patched.
 */
export function installEngineSeam(getEngine: () => EngineLike, opts: { paths?: string[] } = {}): string[] {
  const patched: string[] = [];
  for (const dir of opts.paths && opts.paths.length ? opts.paths : [process.cwd()]) {
    const modPath = resolveDatabaseModule(dir);
    if (patched.includes(modPath)) continue;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Db = require(modPath).Db;
    if (!Db) throw new Error(`${modPath} does not export Db`);
    const existing: SeamState | undefined = Db[STATE];
    if (existing) {
      existing.getEngine = getEngine;
    } else {
      const state: SeamState = { getEngine, previous: Object.getOwnPropertyDescriptor(Db, 'reqClass') };
      class LocalEngineRequester {
        config: unknown;
        constructor(config: unknown) {
          this.config = config;
        }
        send(action: string, params?: Record<string, any>): Promise<any> {
          return state.getEngine().send(action, params || {});
        }
      }
      Object.defineProperty(Db, STATE, { value: state, configurable: true, enumerable: false });
      Object.defineProperty(Db, 'reqClass', {
        configurable: true,
        enumerable: true,
        get: () => LocalEngineRequester,
        set() {
          /* sticky: node-sdk re-assigns its HTTP requester on every database() call */
        }
      });
    }
    patched.push(modPath);
  }
  return patched;
}

/** Removes the seam (the SDK goes back to its HTTP requester on the next database() call). */
export function uninstallEngineSeam(opts: { paths?: string[] } = {}): void {
  for (const dir of opts.paths && opts.paths.length ? opts.paths : [process.cwd()]) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Db = require(resolveDatabaseModule(dir)).Db;
    const state: SeamState | undefined = Db && Db[STATE];
    if (!state) continue;
    delete Db[STATE];
    delete Db.reqClass;
    if (state.previous) Object.defineProperty(Db, 'reqClass', state.previous);
  }
}
