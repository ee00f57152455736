// Operators' side of one-item-one-code: products (trace data), batches — create,
// generate in chunks with watchable progress, assign regions, activate, void — and the views of
// risk events and scan statistics. Exports live in export.ts.
import { getDb } from '../cloud';
import { decodeCursor, encodeCursor } from '../cursor';
import { AppError, isDuplicateKeyError } from '../errors';
import { forget } from './cache';
import { envKeys, makeCodes } from './format';
import { COLLECTIONS as CAMPAIGNS } from '../campaigns/model';
import { COLLECTIONS as C, MAX_BATCH_SIZE, type Batch, type Product, type RegionRange } from './model';
import { assertValid, batchProblems, invalid, productProblems, regionProblems } from './forms';

/** ≤ 1000 documents per insert request. */
export const CHUNK = 1000;
/** One `generate` call stops after this long, well inside a function's time limit. */
const GENERATE_BUDGET_MS = 8_000;
const LEASE_MS = 30_000;

type ProductInput = { id: string; name: string; image?: string; spec?: string; origin?: string; basePoints: number };

function productDoc(i: ProductInput, now: Date): Product {
  assertValid(productProblems(i));
  return { _id: i.id.trim(), name: i.name.trim(), image: (i.image ?? '').trim(), spec: (i.spec ?? '').trim(), origin: (i.origin ?? '').trim(), basePoints: i.basePoints, createdAt: now };
}

/** Saves a product (new, or replacing the one with this id). */
export async function upsertProduct(i: ProductInput, now = new Date()): Promise<Product> {
  const doc = productDoc(i, now);
  const { _id, ...data } = doc;
  await getDb().collection(C.products).doc(_id).set({ data });
  forget(C.products, _id);
  return doc;
}

/** The console's 新建产品: like upsertProduct, but an id in use is the form's problem, not a replacement. */
export async function createProduct(i: ProductInput, now = new Date()): Promise<Product> {
  const doc = productDoc(i, now);
  try {
    await getDb().collection(C.products).add({ data: doc });
  } catch (e) {
    if (isDuplicateKeyError(e)) throw invalid('id', '已被使用');
    throw e;
  }
  forget(C.products, doc._id);
  return doc;
}

export function checkBatchSize(size: unknown): number {
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 1 || size > MAX_BATCH_SIZE) {
    throw new AppError('BATCH_SIZE_INVALID', `size must be an integer from 1 to ${MAX_BATCH_SIZE}`);
  }
  return size;
}

export async function createBatch(
  b: { id: string; product: string; campaign?: string; batchNo: string; productionDate: string; size: unknown; operator: string },
  now = new Date(),
): Promise<Batch> {
  // The size keeps its own code (BATCH_SIZE_INVALID), checked after the other fields.
  const { size: _size, ...problems } = batchProblems(b);
  assertValid(problems);
  const size = checkBatchSize(b.size);
  const db = getDb();
  const [{ data: product }, campaign] = await Promise.all([
    db.collection(C.products).doc(b.product).get(),
    b.campaign ? db.collection(CAMPAIGNS.campaigns).doc(b.campaign).get().then((r) => r.data as { kind?: string } | null) : null,
  ]);
  if (!product) throw invalid('product', '不存在');
  if (b.campaign && !campaign) throw invalid('campaign', '不存在');
  if (campaign && campaign.kind !== 'scan') throw invalid('campaign', '不是扫码活动');
  const batch: Batch = {
    _id: b.id.trim(), product: b.product.trim(), campaign: b.campaign?.trim() ?? '', batchNo: b.batchNo.trim(), productionDate: b.productionDate.trim(),
    size, generated: 0, keyId: envKeys().current, status: 'generating', regions: [], createdAt: now, createdBy: b.operator,
  };
  try {
    await db.collection(C.batches).add({ data: { ...batch, leaseUntil: new Date(0) } });
  } catch (e) {
    if (isDuplicateKeyError(e)) throw invalid('id', '已被使用');
    throw e;
  }
  return batch;
}

export async function getBatch(id: string): Promise<Batch> {
  const { data } = await getDb().collection(C.batches).doc(id).get();
  if (!data) throw new AppError('NOT_FOUND', `no batch ${id}`);
  return data as Batch;
}

export const progressOf = (b: Batch) => ({
  batch: b._id, status: b.status, size: b.size, generated: b.generated, percent: Math.floor((b.generated / b.size) * 1000) / 10,
});

/**
 * Writes the batch's next chunks of codes for up to ~8 s (or `maxChunks`) and answers the progress.
 * Call again until status is `ready` (an operator's page polls it; the bench calls it in a loop).
 * One writer at a time holds a lease on the batch; a run that died mid-chunk is cleaned up by the
 * next, which removes codes past the checkpoint before writing them again.
 */
export async function generate(batchId: string, opts: { maxChunks?: number; budgetMs?: number } = {}, now = () => new Date()) {
  const db = getDb();
  const _ = db.command;
  let batch = await getBatch(batchId);
  if (batch.status !== 'generating') return progressOf(batch);
  const until = new Date(+now() + LEASE_MS);
  const { stats } = await db.collection(C.batches).where({ _id: batchId, leaseUntil: _.lt(now()) }).update({ data: { leaseUntil: until } });
  if (!stats.updated) return { ...progressOf(batch), busy: true };
  try {
    batch = await getBatch(batchId);
    // Anything past the checkpoint was written by a run that died before recording it.
    await db.collection(C.codes).where({ batch: batchId, seq: _.gte(batch.generated) }).remove();
    const keys = envKeys();
    const started = Date.now();
    const budget = opts.budgetMs ?? GENERATE_BUDGET_MS;
    let generated = batch.generated;
    for (let chunks = 0; generated < batch.size && chunks < (opts.maxChunks ?? Infinity) && Date.now() - started < budget; chunks++) {
      const n = Math.min(CHUNK, batch.size - generated);
      for (let attempt = 0; ; attempt++) {
        const codes = makeCodes(keys, n);
        const docs = codes.map((code, i) => ({ _id: code, batch: batchId, seq: generated + i, claimedBy: '', scans: 0 }));
        try {
          await db.collection(C.codes).add({ data: docs as any });
          break;
        } catch (e) {
          // 60 random bits: a repeat is astronomically rare, but the insert is all-or-nothing, so redraw.
          if (!isDuplicateKeyError(e) || attempt > 3) throw e;
        }
      }
      generated += n;
      // Let other requests in between chunks: in one local process (npm start) the operator page's
      // `progress` polls are otherwise answered only after this call's ~8 s, and the bar jumps.
      await new Promise((resolve) => setImmediate(resolve));
      await db.collection(C.batches).doc(batchId).update({
        data: { generated, leaseUntil: new Date(+now() + LEASE_MS), ...(generated >= batch.size ? { status: 'ready' } : {}) },
      });
    }
    return progressOf({ ...batch, generated, status: generated >= batch.size ? 'ready' : 'generating' });
  } finally {
    await db.collection(C.batches).doc(batchId).update({ data: { leaseUntil: new Date(0) } });
  }
}

/** Sales region for the whole batch (no range) or codes seq from..to. */
export async function assignRegion(batchId: string, provinces: string[], range: { from?: number; to?: number } = {}): Promise<Batch> {
  const batch = await getBatch(batchId);
  assertValid(regionProblems({ provinces, ...range }, batch.size));
  if (batch.status === 'void') throw new AppError('BATCH_STATE', 'the batch is void');
  const whole = range.from === undefined;
  const r: RegionRange = whole ? { from: 0, to: batch.size - 1, provinces } : { from: range.from!, to: range.to!, provinces };
  const regions = whole ? [r] : [...(batch.regions ?? []), r];
  await getDb().collection(C.batches).doc(batchId).update({ data: { regions } });
  return { ...batch, regions };
}

export async function setStatus(batchId: string, to: 'active' | 'void', now = new Date()): Promise<Batch> {
  const batch = await getBatch(batchId);
  if (batch.status === to) return batch;
  if (batch.status === 'void') throw new AppError('BATCH_STATE', 'a void batch stays void');
  if (to === 'active' && batch.status !== 'ready') throw new AppError('BATCH_STATE', 'generate every code before activating');
  const data = to === 'active' ? { status: to, activatedAt: now } : { status: to, voidedAt: now };
  await getDb().collection(C.batches).doc(batchId).update({ data });
  return { ...batch, ...data };
}

/** What lists and the batch page show of a batch: its progress, product (with its name) and regions. */
function batchView(b: Batch, productName: string) {
  return {
    ...progressOf(b), product: b.product, productName, batchNo: b.batchNo, campaign: b.campaign, productionDate: b.productionDate,
    regions: b.regions ?? [], createdAt: new Date(b.createdAt).toISOString(),
    activatedAt: b.activatedAt ? new Date(b.activatedAt).toISOString() : '', voidedAt: b.voidedAt ? new Date(b.voidedAt).toISOString() : '',
  };
}
export type BatchView = ReturnType<typeof batchView>;

/** Product id → name for the given ids (one read by _id). */
async function productNames(ids: string[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter(Boolean))];
  if (!wanted.length) return new Map();
  const db = getDb();
  const { data } = await db.collection(C.products).where({ _id: db.command.in(wanted) }).field({ name: true }).limit(wanted.length).get();
  return new Map((data as Product[]).map((p) => [p._id, p.name]));
}

/** (createdAt desc, _id asc) after the cursor's position. */
function after(cursor: string | undefined): Record<string, unknown> {
  if (!cursor) return {};
  const _ = getDb().command;
  const { at, id } = decodeCursor(cursor);
  return _.or([{ createdAt: _.lt(at) }, { createdAt: at, _id: _.gt(id) }]) as unknown as Record<string, unknown>;
}

async function page<T extends { _id: string; createdAt: Date }>(collection: string, cursor: string | undefined, limit: number) {
  const { data } = await getDb().collection(collection).where(after(cursor)).orderBy('createdAt', 'desc').orderBy('_id', 'asc').limit(limit + 1).get();
  const items = (data as T[]).slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: data.length > limit && last ? encodeCursor({ at: new Date(last.createdAt), id: last._id }) : null };
}

/** Batches, newest first, a page at a time (index createdAt). */
export async function listBatches(cursor?: string, limit = 20): Promise<{ items: BatchView[]; nextCursor: string | null }> {
  const { items, nextCursor } = await page<Batch>(C.batches, cursor, limit);
  const names = await productNames(items.map((b) => b.product));
  return { items: items.map((b) => batchView(b, names.get(b.product) ?? '')), nextCursor };
}

/** One batch for its page, with its product's name. */
export async function batchDetail(id: string): Promise<BatchView> {
  const b = await getBatch(id);
  const names = await productNames([b.product]);
  return batchView(b, names.get(b.product) ?? '');
}

/** Products, newest first, a page at a time (index createdAt). */
export async function listProducts(cursor?: string, limit = 20) {
  const { items, nextCursor } = await page<Product>(C.products, cursor, limit);
  return { items: items.map((p) => ({ ...p, createdAt: new Date(p.createdAt).toISOString() })), nextCursor };
}

/** Risk events counted by kind and by batch, product and province; plus the latest few. */
export async function riskSummary(kind?: string) {
  const db = getDb();
  const $ = db.command.aggregate;
  const match = kind ? { kind } : {};
  const group = async (field: string) =>
    (await db.collection(C.riskEvents).aggregate().match(match).group({ _id: { kind: '$kind', key: `$${field}` }, count: $.sum(1) }).end()).list
      .map((r: any) => ({ kind: r._id.kind, key: r._id.key, count: r.count }));
  const [byBatch, byProduct, byProvince] = await Promise.all([group('batch'), group('product'), group('province')]);
  const { data: latest } = await db.collection(C.riskEvents).where(match).orderBy('createdAt', 'desc').limit(20).get();
  return { byBatch, byProduct, byProvince, latest };
}
