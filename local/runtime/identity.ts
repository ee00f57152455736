// Per-call identity for functions running side by side in one process. wx-server-sdk's
// getWXContext() reads process.env, which is global; we put a Proxy in front of it that answers the
// identity variables from the current call's AsyncLocalStorage store, so concurrent calls never mix.
import { AsyncLocalStorage } from 'node:async_hooks';

export interface Identity {
  OPENID?: string;
  APPID?: string;
  UNIONID?: string;
  CLIENTIP?: string;
  /** wx_client (mini-program), wx_trigger (timer), wx_client,scf (another function), wx_http (console) */
  SOURCE: string;
}

export interface CallStore {
  env: Record<string, string>;
  functionName: string;
  action: string;
  requestId: string;
  dbRequests: number;
  /** Invocation depth, to stop runaway function-to-function recursion. */
  depth: number;
}

export const callStorage = new AsyncLocalStorage<CallStore>();

export const LOCAL_ENV_ID = 'local';
/** The checkout API's secret on the local cloud only (docs/mall.md). */
export const LOCAL_CHECKOUT_SECRET = 'local-checkout-secret';
/** The orders API's secret on the local cloud only (docs/orders.md). */
export const LOCAL_ORDERS_SECRET = 'local-orders-secret';
const CONTEXT_KEYS = ['WX_OPENID', 'WX_APPID', 'WX_UNIONID', 'WX_CLIENTIP'];
const PER_CALL = new Set([...CONTEXT_KEYS, 'WX_CONTEXT_KEYS', 'TCB_SOURCE']);

export function identityEnv(id: Identity): Record<string, string> {
  const env: Record<string, string> = { WX_CONTEXT_KEYS: CONTEXT_KEYS.join(','), TCB_SOURCE: id.SOURCE };
  if (id.OPENID) env.WX_OPENID = id.OPENID;
  if (id.APPID) env.WX_APPID = id.APPID;
  if (id.UNIONID) env.WX_UNIONID = id.UNIONID;
  if (id.CLIENTIP) env.WX_CLIENTIP = id.CLIENTIP;
  return env;
}

let installed = false;

/** Idempotent. Also sets what the SDK needs to run offline against the local transport. */
export function installIdentityEnv(): void {
  if (installed) return;
  installed = true;
  const real = process.env;
  // Offline settings for @cloudbase/node-sdk: credentials must be non-empty, TENCENTCLOUD=true
  // skips a metadata probe, TCB_ENV names the environment DYNAMIC_CURRENT_ENV resolves to.
  real.TENCENTCLOUD ??= 'true';
  real.TENCENTCLOUD_SECRETID ??= 'local';
  real.TENCENTCLOUD_SECRETKEY ??= 'local';
  real.TCB_ENV ??= LOCAL_ENV_ID;
  // What the functions' environment holds in the cloud console, with local values: the mall's cash
  // payments go to the local server's simulated payment page, and the checkout API's shared secret
  // is a fixed, documented development value (docs/mall.md).
  real.MALL_PAYMENT ??= 'simulated';
  real.CHECKOUT_SECRET ??= LOCAL_CHECKOUT_SECRET;
  real.ORDERS_SECRET ??= LOCAL_ORDERS_SECRET;
  const perCall = (key: string | symbol) => {
    if (typeof key !== 'string' || !PER_CALL.has(key)) return undefined;
    return callStorage.getStore()?.env;
  };
  process.env = new Proxy(real, {
    get(target, key) {
      const env = perCall(key);
      return env ? env[key as string] : Reflect.get(target, key);
    },
    has(target, key) {
      const env = perCall(key);
      return env ? key in env : Reflect.has(target, key);
    },
    getOwnPropertyDescriptor(target, key) {
      const env = perCall(key);
      if (!env) return Reflect.getOwnPropertyDescriptor(target, key);
      return key in env ? { value: env[key as string], writable: true, enumerable: true, configurable: true } : undefined;
    },
  });
}
