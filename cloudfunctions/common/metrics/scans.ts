// Scans for the dashboard, rolled up with the ledger's days (all campaigns only, docs/metrics.md):
// claims are the day's scan credits (the roll-up already reads them; their codes give the batch
// and the claiming scan's province), the other scans are `scanStats/<batch>:<day>` (queries, by
// province). A day keeps them per batch (with its product) and per province: bounded by the
// batches scanned that day and the 34 provinces, never per code or member.
import { getDb } from '../cloud';
import { COLLECTIONS as CODES, type Batch } from '../codes/model';

/** Ids per `_id in` query; documents per page. */
const CHUNK = 1000;
/** Batches kept per day (the rest are summed under batch ''): keeps a day document small. */
export const MAX_DAY_BATCHES = 100;
/** Province key of scans without a known place. */
export const NO_PROVINCE = 'none';

const chunks = <T>(list: T[], n: number): T[][] => Array.from({ length: Math.ceil(list.length / n) }, (_x, i) => list.slice(i * n, i * n + n));

export interface BatchScans {
  batch: string;
  claims: number;
  points: number;
  queries: number;
}
export interface ProvinceScans {
  province: string;
  claims: number;
  queries: number;
}
export interface DayScans {
  claims: number;
  /** Scans that claimed nothing (repeats, caps, diverted). */
  queries: number;
  /** Points the claims earned. */
  points: number;
  batches: (BatchScans & { product: string })[];
  provinces: ProvinceScans[];
}

/** A day's scans being counted (checkpointed with the roll-up's partial figures). */
export interface ScanTally {
  batches: Map<string, BatchScans>;
  provinces: Map<string, ProvinceScans>;
}

export const emptyScans = (): ScanTally => ({ batches: new Map(), provinces: new Map() });

export function addBatch(t: ScanTally, b: BatchScans): void {
  const x = t.batches.get(b.batch) ?? { batch: b.batch, claims: 0, points: 0, queries: 0 };
  x.claims += b.claims;
  x.points += b.points;
  x.queries += b.queries;
  t.batches.set(b.batch, x);
}
export function addProvince(t: ScanTally, p: ProvinceScans): void {
  const key = p.province || NO_PROVINCE;
  const x = t.provinces.get(key) ?? { province: key, claims: 0, queries: 0 };
  x.claims += p.claims;
  x.queries += p.queries;
  t.provinces.set(key, x);
}

/** The page's claims: each scan credit's code (batch, province), read by `_id` (1,000 per query). */
export async function countClaims(t: ScanTally, credits: { code: string; points: number }[]): Promise<void> {
  if (!credits.length) return;
  const db = getDb();
  const codes = new Map<string, { batch: string; province: string }>();
  for (const ids of chunks([...new Set(credits.map((c) => c.code))], CHUNK)) {
    const { data } = await db.collection(CODES.codes).where({ _id: db.command.in(ids) }).limit(ids.length).field({ batch: true, claimProvince: true }).get();
    for (const c of data as { _id: string; batch: string; claimProvince?: string }[]) codes.set(c._id, { batch: c.batch, province: c.claimProvince ?? '' });
  }
  for (const c of credits) {
    const code = codes.get(c.code) ?? { batch: '', province: '' };
    addBatch(t, { batch: code.batch, claims: 1, points: c.points, queries: 0 });
    addProvince(t, { province: code.province, claims: 1, queries: 0 });
  }
}

/** The day's scans that claimed nothing, from `scanStats` by the `day` index (1,000 per query). */
export async function countQueries(t: ScanTally, day: string): Promise<number> {
  const db = getDb();
  let requests = 0;
  for (let after = ''; ; ) {
    const { data } = await db
      .collection(CODES.scanStats)
      .where({ day, ...(after ? { _id: db.command.gt(after) } : {}) })
      .orderBy('_id', 'asc')
      .limit(CHUNK)
      .get();
    requests++;
    addQueries(t, data as ScanStatDoc[]);
    if (data.length < CHUNK) return requests;
    after = (data[data.length - 1] as ScanStatDoc)._id;
  }
}

export interface ScanStatDoc {
  _id: string;
  batch: string;
  day: string;
  queries?: number;
  prov?: Record<string, number>;
}

/** Folds scanStats documents in (scans counted before `prov` was kept count as no province). */
export function addQueries(t: ScanTally, docs: ScanStatDoc[]): void {
  for (const d of docs) {
    const queries = d.queries ?? 0;
    addBatch(t, { batch: d.batch, claims: 0, points: 0, queries });
    let placed = 0;
    for (const [province, n] of Object.entries(d.prov ?? {})) {
      addProvince(t, { province, claims: 0, queries: n });
      placed += n;
    }
    if (queries > placed) addProvince(t, { province: NO_PROVINCE, claims: 0, queries: queries - placed });
  }
}

/** Product of each batch (by `_id`, 1,000 per query). */
export async function productsOf(batches: string[]): Promise<Map<string, string>> {
  const db = getDb();
  const out = new Map<string, string>();
  for (const ids of chunks(batches.filter(Boolean), CHUNK)) {
    const { data } = await db.collection(CODES.batches).where({ _id: db.command.in(ids) }).limit(ids.length).field({ product: true }).get();
    for (const b of data as Pick<Batch, '_id' | 'product'>[]) out.set(b._id, b.product);
  }
  return out;
}

/** The day's scans as kept on its document: the largest MAX_DAY_BATCHES batches, the rest under ''. */
export function dayScans(t: ScanTally, products: Map<string, string>): DayScans {
  const batches = [...t.batches.values()].sort((a, b) => b.claims + b.queries - (a.claims + a.queries) || (a.batch < b.batch ? -1 : 1));
  const kept = batches.slice(0, MAX_DAY_BATCHES).filter((b) => b.batch);
  const rest = batches.filter((b) => !kept.includes(b));
  const other = rest.reduce((s, b) => ({ ...s, claims: s.claims + b.claims, points: s.points + b.points, queries: s.queries + b.queries }), { batch: '', claims: 0, points: 0, queries: 0 });
  const list = [...kept.map((b) => ({ ...b, product: products.get(b.batch) ?? '' })), ...(other.claims || other.queries ? [{ ...other, product: '' }] : [])];
  return {
    claims: batches.reduce((s, b) => s + b.claims, 0),
    queries: batches.reduce((s, b) => s + b.queries, 0),
    points: batches.reduce((s, b) => s + b.points, 0),
    batches: list,
    provinces: [...t.provinces.values()].sort((a, b) => (a.province < b.province ? -1 : 1)),
  };
}

export const scansToAcc = (t: ScanTally) => ({ batches: [...t.batches.values()], provinces: [...t.provinces.values()] });
export const scansFromAcc = (a?: { batches: BatchScans[]; provinces: ProvinceScans[] }): ScanTally => {
  const t = emptyScans();
  for (const b of a?.batches ?? []) addBatch(t, b);
  for (const p of a?.provinces ?? []) addProvince(t, p);
  return t;
};
