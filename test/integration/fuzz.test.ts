// Seeded fuzzing of every action of every function with bad input. The actions come from each
// built function's own table (`main.actions`, set by defineFunction), so an action added later is
// fuzzed without touching this file. Each case is one mutation of a plausible request that makes it
// bad by construction (a wrong type, a missing or unknown field, a huge string, deep nesting, a
// non-finite, fractional, negative or oversized number, ill-formed unicode, an operator object, a
// key with `.`/`$`, an impossible date, a cursor no page handed out), and is sent as a member and as
// an operator (and, for a server action, as the brand's server with the right secret). Every reply
// must be {ok:false, code} with a listed code other than INTERNAL, and the database must be
// unchanged afterwards.
//
// FUZZ_SEED replays a run (the seed is printed); FUZZ_CASES sets the cases per action.
import { startLocalCloud, type LocalCloud } from '../../local/cloud';
import { PERSONAS } from '../../local/seed/personas';
import { ERROR_CODES } from '../../cloudfunctions/common/errors';
import { MAX_EVENT_DEPTH, MAX_STRING_LENGTH } from '../../cloudfunctions/common/inputs';
import { seededRandom } from '../helpers/random';

const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
/** Cases per action (each sent as a member and as an operator; a server action's also as the server). */
const CASES_PER_ACTION = Number(process.env.FUZZ_CASES ?? 100);
/**
 * What a refused request may still write, each for a documented reason (docs/api.md, "What a refused
 * call keeps"): the scan's counters per member and IP (`rateLimits`) count a refused scan *because*
 * it was refused — that count is the rate limit and the brute-force lockout — and at the lockout a
 * `bruteforce` event is recorded in `riskEvents`; an operator's refused change is recorded in
 * `opsAudit` (docs/console.md#audit).
 */
const MAY_CHANGE: Record<string, (doc: any) => boolean> = {
  rateLimits: () => true,
  riskEvents: (d) => d.kind === 'bruteforce',
  // The operator audit records every change an operator attempted, refused ones included (who tried what).
  opsAudit: (d) => d.outcome !== 'ok',
};

type Schema = Record<string, any>;
interface Listing {
  name: string;
  auth: 'member' | 'operator' | 'server';
  secretEnv?: string;
  inputSchema(): Schema;
}

let cloud: LocalCloud;
const member = PERSONAS.find((p) => p.role !== 'operator')!.openid;
const operator = PERSONAS.find((p) => p.role === 'operator')!.openid;
const rnd = seededRandom(SEED);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
const totals = { requests: 0, byCode: {} as Record<string, number> };

beforeAll(async () => {
  console.log(`fuzz seed ${SEED} (FUZZ_SEED=${SEED} replays it), ${CASES_PER_ACTION} cases per action`);
  cloud = await startLocalCloud({ dataDir: null, port: 0 });
});
afterAll(async () => {
  console.log(`fuzz seed ${SEED}: ${totals.requests} requests, codes ${JSON.stringify(totals.byCode)}`);
  await cloud?.close();
});

function snapshot(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of cloud.engine.collectionNames().sort()) {
    out[name] = JSON.stringify(cloud.engine.dump(name).filter((d) => !MAY_CHANGE[name]?.(d)));
  }
  return out;
}

// ---- values -------------------------------------------------------------------------------------

const typesOf = (s: Schema): Set<string> | null => {
  if (s.anyOf) {
    const all = new Set<string>();
    for (const sub of s.anyOf) {
      const t = typesOf(sub);
      if (!t) return null;
      t.forEach((x) => all.add(x));
    }
    return all;
  }
  if (!s.type) return s.const !== undefined ? new Set([typeof s.const]) : s.enum ? new Set(s.enum.map((v: unknown) => typeof v)) : null;
  return new Set((Array.isArray(s.type) ? s.type : [s.type]).map((t: string) => (t === 'integer' ? 'number' : t)));
};
const jsonType = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/** A plausible value for a schema (often valid; the mutation is what makes a case bad). */
function sample(s: Schema, depth = 0): unknown {
  if (s.const !== undefined) return s.const;
  if (s.enum) return pick(s.enum);
  if (s.anyOf) return sample(pick(s.anyOf), depth);
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case 'string':
      if (s.format === 'date-time') return '2026-06-01T00:00:00Z';
      if (s.format === 'date') return '2026-06-01';
      return 'abc-123_xyz'.slice(0, Math.max(s.minLength ?? 1, Math.min(s.maxLength ?? 11, 11)));
    case 'integer':
    case 'number':
      return s.minimum ?? 1;
    case 'boolean':
      return true;
    case 'null':
      return null;
    case 'array':
      return s.minItems && s.items && depth < 4 ? Array.from({ length: s.minItems }, () => sample(s.items, depth + 1)) : [];
    case 'object': {
      const o: Record<string, unknown> = {};
      for (const k of s.required ?? []) if (s.properties?.[k]) o[k] = sample(s.properties[k], depth + 1);
      return o;
    }
    default:
      return 'x';
  }
}

const WRONG_TYPED: unknown[] = ['7', 7, 1.5, true, null, [1, 'a'], { k: 1 }];
const INJECTIONS: unknown[] = [{ $gt: '' }, { $ne: null }, { $where: 'sleep(1)' }, { $regex: '.*' }, { 'a.b': 1 }, { nested: { $in: ['x'] } }];
const UNICODE = ['\uD800', 'abc\uDFFF', '名字\uD83D', '\uDE00😀'];
const deep = (n: number, leaf: unknown = 1): unknown => {
  let v: unknown = leaf;
  for (let i = 0; i < n; i++) v = rnd() < 0.5 ? [v] : { a: v };
  return v;
};
const huge = () => pick(['x', '码', '😀', '\u0000', 'a.b$']).repeat(MAX_STRING_LENGTH + 1 + Math.floor(rnd() * 50_000));

/** Numbers the schema cannot accept (null when the field takes no number). */
function badNumber(s: Schema): unknown {
  const t = typesOf(s);
  const numeric = s.anyOf?.find((x: Schema) => x.type === 'integer' || x.type === 'number') ?? s;
  const options: unknown[] = [];
  if (!t || !t.has('number')) options.push(NaN, Infinity, -Infinity, 0.5, -1); // wrong type or not finite
  else {
    options.push(NaN, Infinity, -Infinity); // JSON carries them as null; the handler refuses them raw
    if (numeric.type === 'integer') options.push(1.5, 2 ** 53 + 0.5, -0.25);
    if (numeric.minimum !== undefined) options.push(numeric.minimum - 1, -1e21);
    if (numeric.maximum !== undefined) options.push(numeric.maximum + 1, 2 ** 53, 1e308);
  }
  const v = pick(options);
  // After the JSON copy a non-finite number is null: keep it only where null is also refused.
  if (typeof v === 'number' && !Number.isFinite(v) && t?.has('null')) return -1e308;
  return v;
}

type Mutation = (base: Record<string, unknown>, s: Schema) => Record<string, unknown> | null;

const fieldsWhere = (s: Schema, ok: (f: Schema, name: string) => boolean) =>
  Object.entries((s.properties ?? {}) as Record<string, Schema>).filter(([k, f]) => ok(f, k)).map(([k]) => k);
const withField = (base: Record<string, unknown>, key: string, value: unknown) => {
  const out = { ...base };
  Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  return out;
};

const BAD_DAYS = ['2026-13-45', '0000-00-00', '2026-02-30', '2025-02-29', '1999-12-31', '2100-01-01', '2026-1-1', '20260101'];
const BAD_INSTANTS = ['2026-02-30T00:00:00Z', '2026-13-01T00:00:00Z', '0000-01-01T00:00:00Z', '9999-12-31T23:59:59Z', '2026-06-01T24:00:00Z', '2026-06-01'];
const dateFormat = (f: Schema): string | undefined => f.format ?? f.anyOf?.map((x: Schema) => x.format).find(Boolean);
const badDateFor = (format: string) => pick(format === 'date' ? BAD_DAYS : BAD_INSTANTS);

/** `[field, value]` placing an impossible date in a date field at the top level or one object (or array of objects) down. */
function badDateField(s: Schema): [string, unknown] | null {
  const options: [string, () => unknown][] = [];
  for (const [k, f] of Object.entries((s.properties ?? {}) as Record<string, Schema>)) {
    const format = dateFormat(f);
    if (format) options.push([k, () => badDateFor(format)]);
    const objects: Schema[] = [...(f.anyOf ?? [f]), ...(f.type === 'array' && f.items ? f.items.anyOf ?? [f.items] : [])].filter((x) => x.type === 'object');
    for (const o of objects) {
      for (const [ik, inner] of Object.entries((o.properties ?? {}) as Record<string, Schema>)) {
        const innerFormat = dateFormat(inner);
        if (!innerFormat) continue;
        const make = () => ({ ...(sample(o) as object), [ik]: badDateFor(innerFormat) });
        options.push([k, f.type === 'array' ? () => [make()] : make]);
      }
    }
  }
  if (!options.length) return null;
  const [k, make] = pick(options);
  return [k, make()];
}

const b64 = (s: string) => Buffer.from(s).toString('base64url');
/** Cursors no list ever hands out: positions outside a Date's range, not a position at all, not base64url. */
const BAD_CURSORS = [b64('9007199254740991|x'), b64('-9007199254740991|x'), b64('8640000000000001|x'), b64('1.5|x'), b64('|x'), b64('{"$gt":""}'), '!!!!', b64('x')];

const MUTATIONS: Record<string, Mutation> = {
  badCursor: (b, s) => (s.properties?.cursor ? withField(b, 'cursor', pick(BAD_CURSORS)) : null),
  impossibleDate: (b, s) => {
    const field = badDateField(s);
    return field && withField(b, field[0], field[1]);
  },
  unknownField: (b) => withField(b, pick(['zz', 'extra', '名字', '__proto__', 'constructor', 'secretX']), pick(WRONG_TYPED)),
  wrongType: (b, s) => {
    const keys = fieldsWhere(s, (f) => typesOf(f) !== null);
    if (!keys.length) return null;
    const k = pick(keys);
    const allowed = typesOf(s.properties[k])!;
    const options = WRONG_TYPED.filter((v) => !allowed.has(jsonType(v)));
    return withField(b, k, pick(options));
  },
  missingField: (b, s) => {
    const required: string[] = (s.required ?? []).filter((k: string) => s.properties?.[k] && s.properties[k].default === undefined);
    if (!required.length) return null;
    const out = { ...b };
    delete out[pick(required)];
    return out;
  },
  hugeString: (b, s) => {
    const keys = fieldsWhere(s, (f) => typesOf(f)?.has('string') ?? true);
    return withField(b, keys.length ? pick(keys) : 'text', huge());
  },
  deepNesting: (b, s) => {
    const keys = Object.keys(s.properties ?? {});
    return withField(b, keys.length ? pick(keys) : 'nested', deep(MAX_EVENT_DEPTH + Math.floor(rnd() * 300)));
  },
  badNumber: (b, s) => {
    const keys = Object.keys(s.properties ?? {});
    if (!keys.length) return withField(b, 'n', pick([NaN, Infinity, 1.5]));
    const k = pick(keys);
    return withField(b, k, badNumber(s.properties[k]));
  },
  unicode: (b, s) => {
    const keys = Object.keys(s.properties ?? {});
    const v = pick(UNICODE);
    return rnd() < 0.3 ? withField(b, pick(['\uD800', 'é\uDC00']), 1) : withField(b, keys.length ? pick(keys) : 'u', v);
  },
  injection: (b, s) => {
    const keys = Object.keys(s.properties ?? {});
    return withField(b, keys.length ? pick(keys) : 'q', pick(INJECTIONS));
  },
  dottedKey: (b) => withField(b, pick(['a.b', '$set', '$where', 'x.$', '$']), pick(WRONG_TYPED)),
};
const MUTATION_NAMES = Object.keys(MUTATIONS);

/** A bad event for the action: one mutation of a plausible base, retried until one applies. */
function badCase(action: string, s: Schema): { kind: string; event: Record<string, unknown> } {
  const base = sample(s) as Record<string, unknown>;
  for (;;) {
    const kind = pick(MUTATION_NAMES);
    const event = MUTATIONS[kind](base, s);
    if (event) return { kind, event: { action, ...event } };
  }
}

// ---- the run ------------------------------------------------------------------------------------

const ALLOWED = new Set<string>(ERROR_CODES.filter((c) => c !== 'INTERNAL'));
const describeEvent = (e: unknown) => {
  const s = JSON.stringify(e);
  return s.length > 300 ? `${s.slice(0, 300)}… (${s.length} chars)` : s;
};

/** As a member (mini-program call) or, openid null, as the brand's server with the right secret. */
async function send(fn: string, event: Record<string, unknown>, openid: string | null, secretEnv?: string) {
  totals.requests++;
  const { result } =
    openid === null
      ? await cloud.runner.invoke(fn, { ...event, secret: process.env[secretEnv ?? ''] }, { SOURCE: 'wx_http' })
      : await cloud.runner.callAsMember(fn, event, openid);
  const code = (result as { code?: string } | null)?.code ?? 'none';
  totals.byCode[code] = (totals.byCode[code] ?? 0) + 1;
  return result as { ok?: boolean; code?: string };
}

const functionNames = () => cloud.runner.functionNames.filter((n) => Array.isArray((cloud.runner.load(n) as any).actions));

test('every built function lists its actions (mallpay, the payment callback, has none)', () => {
  expect(functionNames().sort()).toEqual(cloud.runner.functionNames.filter((n) => n !== 'mallpay').sort());
  for (const fn of functionNames()) expect((cloud.runner.load(fn) as any).actions.length).toBeGreaterThan(0);
});

test('every action of every function refuses bad input with a listed code and changes nothing', async () => {
  const failures: string[] = [];
  const before = snapshot();
  let actions = 0;
  for (const fn of functionNames()) {
    const listings = (cloud.runner.load(fn) as unknown as { actions: Listing[] }).actions;
    // Bad `action` values for the function itself.
    for (const action of [7, null, '', { $ne: '' }, 'nope', '__proto__', 'toString', 'x'.repeat(MAX_STRING_LENGTH + 1)]) {
      const r = await send(fn, { action } as Record<string, unknown>, member);
      if (r?.ok !== false || !ALLOWED.has(r.code ?? '')) failures.push(`${fn} action=${describeEvent(action)}: ${JSON.stringify(r)}`);
    }
    for (const listing of listings) {
      actions++;
      const s = listing.inputSchema();
      for (let i = 0; i < CASES_PER_ACTION; i++) {
        const { kind, event } = badCase(listing.name, s);
        const callers = [['member', member], ['operator', operator], ...(listing.auth === 'server' ? [['server', null]] : [])] as const;
        for (const [who, openid] of callers) {
          const r = await send(fn, event, openid, listing.secretEnv);
          if (r?.ok !== false || !ALLOWED.has(r.code ?? '')) {
            failures.push(`${fn}.${listing.name} as ${who} (${kind}) ${describeEvent(event)} → ${JSON.stringify(r)}`);
          }
        }
      }
    }
  }
  // The payment callback refuses every member call whatever it carries.
  for (let i = 0; i < CASES_PER_ACTION; i++) {
    const { event } = badCase('x', { type: 'object', properties: { outTradeNo: { type: 'string' }, totalFee: { type: 'integer' } } });
    const r = await send('mallpay', event, pick([member, operator]));
    if (r?.ok !== false || r.code !== 'FORBIDDEN') failures.push(`mallpay ${describeEvent(event)} → ${JSON.stringify(r)}`);
  }
  console.log(`fuzz seed ${SEED}: ${actions} actions, ${failures.length} failures`);
  expect(failures).toEqual([]);
  const after = snapshot();
  for (const name of Object.keys({ ...before, ...after })) expect({ name, docs: after[name] }).toEqual({ name, docs: before[name] });
}, 120_000);

// Found by this fuzzing (or the review) before the structural check: each was accepted or INTERNAL.
test.each([
  ['user', { action: 'updateProfile', nickname: '\uDE00😀' }, member], // stored a lone surrogate
  ['codes', { action: 'upsertProduct', id: 'p-fuzz', name: '茶', basePoints: 1, origin: 'abc\uDFFF' }, operator],
  ['codes', { action: 'upsertCampaign', id: 'c-fuzz', name: '活动', pointsByProduct: { 'a.b': 5 } }, operator], // a dotted key into the campaign
  ['codes', { action: 'upsertCampaign', id: 'c-fuzz', name: '活动', pointsByProduct: { $inc: 5 } }, operator],
  ['codes', { action: 'scan', code: 'x', location: { province: { $ne: null } } }, member],
  ['codes', { action: 'createBatch', id: 'b-fuzz', product: 'p1', batchNo: 'B1', productionDate: '2026-01-01', size: { $gt: 0 } }, operator],
  ['jobs', { action: 'runDaily', day: '2026-13-45' }, operator], // INTERNAL, after writing jobRuns/daily:2026-13-45
  ['jobs', { action: 'runDaily', day: '2026-02-30' }, operator], // ran as March 2nd
  ['points', { action: 'dailyMetrics', from: '2026-13-45', to: '2026-01-01' }, operator], // INTERNAL (Invalid Date)
  ['points', { action: 'createBudget', id: 'b-fuzz', campaign: '\uD800', cap: 1 }, operator],
  ['points', { action: 'history', cursor: b64('9007199254740991|x') }, member], // INTERNAL: a cursor past a Date's range
  ['admin', { action: 'listMembers', cursor: b64('-8640000000000001|x') }, operator], // INTERNAL, the same
  ['points', { action: 'adjust', member: 'oLOCAL-shopper-alice', delta: 9007199254740991, reason: '补发', key: 'k-fuzz-max' }, operator], // accepted: past 2^53 balances lose precision
  ['codes', { action: 'upsertCampaign', id: 'c-fuzz', name: '活动', pointsByProduct: { ['产品'.repeat(5)]: 5 } }, operator], // a product id that cannot exist
])('%s %j is BAD_REQUEST and changes nothing', async (fn, event, openid) => {
  const before = snapshot();
  const r = await send(fn, event as Record<string, unknown>, openid);
  expect(r).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
  expect(snapshot()).toEqual(before);
});
