// The local runner: loads the built cloud functions and invokes them the way the platform does —
// each call with its own identity, its database requests counted, cloud.callFunction routed back
// in-process, and cloud.openapi calls recorded in the `outbox` collection instead of sent.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Engine } from '../engine';
import { installEngineSeam } from '../engine/sdk-seam';
import { FUNCTIONS_DIR, listFunctions } from './functions';
import { callStorage, identityEnv, installIdentityEnv, LOCAL_ENV_ID, type Identity } from './identity';
import { ensureLocalSecrets } from './secrets';

export type CloudMain = (event: unknown, context: Record<string, unknown>) => Promise<unknown>;

export interface InvokeResult {
  result: unknown;
  dbRequests: number;
  ms: number;
}

export interface ActionStats {
  invocations: number;
  dbRequests: number;
}

export const LOCAL_APPID = 'wxlocal0000000000';
const MAX_DEPTH = 8;

export class Runner {
  /** Database requests by `<function>.<action>`: the project's cost metric. */
  readonly stats = new Map<string, ActionStats>();
  private readonly mains = new Map<string, CloudMain>();

  /** Where cloud.uploadFile writes (the local stand-in for cloud storage); served by the local server. */
  filesDir = path.join(os.tmpdir(), `jifen-files-${process.pid}`);

  constructor(
    readonly engine: Engine,
    private readonly functionsDir = FUNCTIONS_DIR,
  ) {
    installIdentityEnv();
    ensureLocalSecrets(null); // no-op when the environment (or startLocalCloud's data dir) set them
    // Every SDK database request goes to the engine, counted against the call it belongs to.
    installEngineSeam(() => this.transport as unknown as Engine);
    this.patchSdk();
  }

  private readonly transport = {
    send: (action: string, params: Record<string, unknown>) => {
      const store = callStorage.getStore();
      if (store) store.dbRequests++;
      return this.engine.send(action, params);
    },
  };

  /** Loads every built function (cloudfunctions/<fn>/index.js). Call after npm run build:cloud. */
  loadAll(names = listFunctions()): this {
    for (const name of names) this.load(name);
    return this;
  }

  load(name: string): CloudMain {
    let main = this.mains.get(name);
    if (!main) {
      const file = path.join(this.functionsDir, name, 'index.js');
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      main = (require(file) as { main?: CloudMain }).main;
      if (typeof main !== 'function') throw new Error(`${file} does not export main`);
      this.mains.set(name, main);
    }
    return main;
  }

  /** Registers an in-memory function (tests). */
  register(name: string, main: CloudMain): void {
    this.mains.set(name, main);
  }

  get functionNames(): string[] {
    return [...this.mains.keys()];
  }

  /** A mini-program call from a member: the event gets the platform's userInfo, SOURCE wx_client. */
  callAsMember(name: string, data: Record<string, unknown>, openid: string, extra: Partial<Identity> = {}) {
    return this.invoke(name, { ...data, userInfo: { appId: LOCAL_APPID, openId: openid } }, {
      OPENID: openid,
      APPID: LOCAL_APPID,
      SOURCE: 'wx_client',
      ...extra,
    });
  }

  async invoke(name: string, event: unknown, identity: Identity): Promise<InvokeResult> {
    const main = this.mains.get(name) ?? (listFunctions().includes(name) ? this.load(name) : undefined);
    if (!main) throw Object.assign(new Error(`function not found: ${name}`), { errCode: -501000 });
    const parent = callStorage.getStore();
    const depth = (parent?.depth ?? 0) + 1;
    if (depth > MAX_DEPTH) throw new Error(`cloud.callFunction nested deeper than ${MAX_DEPTH}`);
    // Events cross a JSON boundary on the platform; do the same so nothing non-serialisable leaks in.
    const payload = JSON.parse(JSON.stringify(event ?? {})) as Record<string, unknown>;
    const store = {
      env: identityEnv(identity),
      functionName: name,
      action: typeof payload.action === 'string' ? payload.action : payload.Type === 'Timer' ? 'timer' : '?',
      requestId: randomUUID(),
      dbRequests: 0,
      depth,
    };
    const started = performance.now();
    const context = {
      request_id: store.requestId,
      function_name: name,
      function_version: '$LATEST',
      environ: `TCB_ENV=${LOCAL_ENV_ID}`,
      memory_limit_in_mb: 256,
      time_limit_in_ms: 3000,
    };
    const result = await callStorage.run(store, () => main(payload, context));
    const key = `${name}.${store.action}`;
    const stats = this.stats.get(key) ?? { invocations: 0, dbRequests: 0 };
    stats.invocations++;
    stats.dbRequests += store.dbRequests;
    this.stats.set(key, stats);
    // Replies cross the same JSON boundary on the way back.
    return { result: JSON.parse(JSON.stringify(result ?? null)), dbRequests: store.dbRequests, ms: performance.now() - started };
  }

  resetStats(): void {
    this.stats.clear();
  }

  /** cloud.callFunction and cloud.openapi, the two platform services functions use besides the DB. */
  private patchSdk(): void {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const sdk = require('wx-server-sdk') as Record<string, unknown>;
    sdk.callFunction = async (options: { name: string; data?: Record<string, unknown> }) => {
      const caller = callStorage.getStore();
      const env = caller?.env ?? {};
      // The callee sees the original member (if any) and a source marking the hop through a function.
      const { result } = await this.invoke(options.name, options.data ?? {}, {
        OPENID: env.WX_OPENID,
        APPID: env.WX_APPID,
        UNIONID: env.WX_UNIONID,
        SOURCE: 'wx_client,scf',
      });
      return { result, errMsg: 'cloud.callFunction:ok', requestID: randomUUID() };
    };
    sdk.openapi = recordingOpenApi(this.engine);
    // cloud.uploadFile → a file under filesDir; the fileID names it (GET /api/local/files/<cloudPath>).
    sdk.uploadFile = async (options: { cloudPath: string; fileContent: Buffer | string }) => {
      const rel = path.normalize(String(options.cloudPath)).replace(/^(\.\.[/\\])+/, '').replace(/^[/\\]+/, '');
      const file = path.join(this.filesDir, rel);
      if (!file.startsWith(this.filesDir + path.sep)) throw new Error(`cloudPath outside storage: ${options.cloudPath}`);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, options.fileContent);
      return { fileID: `cloud://${LOCAL_ENV_ID}/${rel.split(path.sep).join('/')}`, statusCode: 200, errMsg: 'uploadFile:ok' };
    };
  }
}

/** `cloud.openapi.<namespace>.<method>(payload)` → a document in `outbox`; answers like success. */
function recordingOpenApi(engine: Engine) {
  return new Proxy(
    {},
    {
      get: (_t, namespace) =>
        typeof namespace !== 'string'
          ? undefined
          : new Proxy(
              {},
              {
                get: (_t2, method) =>
                  typeof method !== 'string'
                    ? undefined
                    : async (payload: unknown) => {
                        const store = callStorage.getStore();
                        engine.insertMany('outbox', [
                          {
                            _id: randomUUID().replace(/-/g, ''),
                            api: `${namespace}.${method}`,
                            payload: JSON.parse(JSON.stringify(payload ?? null)),
                            functionName: store?.functionName ?? '',
                            openid: store?.env.WX_OPENID ?? '',
                            status: 'recorded',
                            createdAt: new Date(),
                          },
                        ]);
                        return { errCode: 0, errMsg: `openapi.${namespace}.${method}:ok` };
                      },
              },
            ),
    },
  );
}
