// The catalog: operators create and change items (validated by the function's schema, every change
// audited in mallAudit); members read it with the listing state computed at the time of reading, so
// 上架 / 下架 happen at their times without anyone pressing a button.
import { getDb } from '../cloud';
import { COUNTERS, createCounter, MAX_SHARDS, raise, type CounterShard } from '../counter/capped';
import { AppError, isDuplicateKeyError } from '../errors';
import { fieldError } from '../forms';
import { inTransaction, txGet } from '../tx';
import { forTier, isVirtual, MALL, stockCounterOf, type Item, type LegacyStockShard } from './model';
import { checkItemRules, invalid } from './fields';
import { listingState, type ListingState } from './rules';
import { tierOnlyLabel, tierAt } from '../tiers/rules';
import { loadScheme, tierOf } from '../tiers/service';

/** What an operator sets and a member sees, as stored on the item. */
type CatalogFields = Pick<
  Item,
  'title' | 'images' | 'description' | 'category' | 'kind' | 'points' | 'cashFen' | 'redPacketFen' | 'perMemberLimit' | 'perOrderMax' | 'flashSale' | 'sortWeight' | 'tiers'
>;

/** An operator's item as the function receives it (times as ISO strings). */
export interface ItemInput extends CatalogFields {
  listAt: string | null;
  delistAt: string | null;
  visible: boolean;
}

export interface ItemView extends CatalogFields {
  id: string;
  listAt: string | null;
  delistAt: string | null;
  state: ListingState;
  stockLeft: number;
  sold: number;
  needsAddress: boolean;
  /**
   * For a member, a tier-only item's label ("金卡专享") and whether they may redeem it; with the
   * member's tier and the lowest tier that may, so the page can say why not. null = for everyone.
   */
  tierOnly?: { label: string; eligible: boolean; memberTier: string; lowestTier: string } | null;
}

/** A tier-only item's label and the member's standing (the scheme is cached: no request). */
async function tierOnlyOf(item: Pick<Item, 'tiers'>, memberTier: string | null): Promise<ItemView['tierOnly']> {
  if (!item.tiers?.length) return null;
  const scheme = await loadScheme();
  const lowest = scheme.tiers.find((t) => item.tiers!.includes(t.level));
  return {
    label: tierOnlyLabel(scheme, item.tiers)!,
    eligible: memberTier !== null && forTier(item, memberTier),
    memberTier: memberTier === null ? '' : tierAt(scheme, memberTier).name,
    lowestTier: lowest?.name ?? '',
  };
}

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);

/** The item with its stock counter's shards (left = Σ left, sold = Σ cap − left). */
export function itemView(item: Item, shards: Pick<CounterShard, 'cap' | 'left'>[], now: Date): ItemView {
  return {
    id: item._id,
    title: item.title,
    images: item.images,
    description: item.description,
    category: item.category,
    kind: item.kind,
    points: item.points,
    cashFen: item.cashFen,
    redPacketFen: item.redPacketFen,
    perMemberLimit: item.perMemberLimit,
    perOrderMax: item.perOrderMax,
    listAt: iso(item.listAt),
    delistAt: iso(item.delistAt),
    flashSale: item.flashSale,
    sortWeight: item.sortWeight,
    tiers: item.tiers ?? [],
    state: listingState(item, now),
    stockLeft: shards.reduce((s, x) => s + x.left, 0),
    sold: shards.reduce((s, x) => s + x.cap - x.left, 0),
    needsAddress: item.kind === 'physical',
  };
}

async function audit(operator: string, action: string, target: string, detail: Record<string, unknown>, now: Date): Promise<void> {
  await getDb().collection(MALL.audit).add({ data: { operator, action, target, detail, createdAt: now } });
}

const toDates = (i: Partial<ItemInput>) => ({
  ...i,
  ...(i.listAt !== undefined ? { listAt: i.listAt ? new Date(i.listAt) : null } : {}),
  ...(i.delistAt !== undefined ? { delistAt: i.delistAt ? new Date(i.delistAt) : null } : {}),
});

/** A new item with its stock counter split into shards (a flash sale wants several). One transaction. */
export async function createItem(id: string, input: ItemInput, stock: number, shards: number, operator: string, now = new Date()): Promise<ItemView> {
  checkItemRules({ ...input, stock }, { creating: true, now });
  const item: Item = { _id: id, ...(toDates(input) as Omit<Item, '_id'>), stock, shards, createdAt: now, updatedAt: now, updatedBy: operator };
  try {
    await inTransaction(async (tx) => {
      if (await txGet(tx, MALL.items, id)) throw invalid('id', `${id} 已被使用`);
      await tx.collection(MALL.items).add({ data: item });
      await createCounter({ id: stockCounterOf(id), cap: stock, shards, now }, tx);
    });
  } catch (e) {
    if (isDuplicateKeyError(e)) throw invalid('id', `${id} 已被使用`);
    throw e;
  }
  await audit(operator, 'createItem', id, { ...input, stock, shards }, now);
  return itemView(item, [{ cap: stock, left: stock }], now);
}

export async function updateItem(id: string, changes: Partial<ItemInput>, operator: string, now = new Date()): Promise<ItemView> {
  const db = getDb();
  const { data } = await db.collection(MALL.items).doc(id).get();
  if (!data) throw new AppError('NOT_FOUND', `no item ${id}`);
  const before = data as Item;
  const merged = { ...before, ...toDates(changes) } as Item;
  if (changes.kind && changes.kind !== before.kind) throw invalid('kind', '创建后不能修改');
  checkItemRules(merged, { creating: false, now });
  await db.collection(MALL.items).doc(id).update({ data: { ...toDates(changes), updatedAt: now, updatedBy: operator } });
  await audit(operator, 'updateItem', id, { changes, before: Object.fromEntries(Object.keys(changes).map((k) => [k, (before as any)[k] ?? null])) }, now);
  return itemView({ ...merged, updatedAt: now }, await shardsOf([id]), now);
}

/** Adds units to an item's stock (the counter's cap, on one shard). */
export async function addStock(id: string, units: number, operator: string, now = new Date()): Promise<ItemView> {
  const db = getDb();
  const { data } = await db.collection(MALL.items).doc(id).get();
  if (!data) throw new AppError('NOT_FOUND', `no item ${id}`);
  const item = data as Item;
  if (isVirtual(item.kind)) throw fieldError('units', '追加库存', '虚拟商品的库存来自上传的卡码');
  await grow(item, units);
  await audit(operator, 'addStock', id, { units }, now);
  const { data: after } = await db.collection(MALL.items).doc(id).get();
  return itemView(after as Item, await shardsOf([id]), now);
}

async function grow(item: Item, units: number): Promise<void> {
  await raise(stockCounterOf(item._id), units);
  await getDb().collection(MALL.items).doc(item._id).update({ data: { stock: getDb().command.inc(units) } });
}

/** Adds card codes to a virtual item's pool; each new code is one more unit of stock. Codes are unique per item. */
export async function addCodes(id: string, codes: string[], operator: string, now = new Date()): Promise<{ added: number; duplicates: number; item: ItemView }> {
  const db = getDb();
  const { data } = await db.collection(MALL.items).doc(id).get();
  if (!data) throw new AppError('NOT_FOUND', `no item ${id}`);
  const item = data as Item;
  if (!isVirtual(item.kind)) throw invalid('codes', '只有优惠券和卡密商品可以上传卡码');
  let added = 0;
  for (const code of new Set(codes)) {
    try {
      await db.collection(MALL.codes).add({ data: { _id: `${id}:${code}`, item: id, code, status: 'free', createdAt: now } });
      added++;
    } catch (e) {
      if (!isDuplicateKeyError(e)) throw e;
    }
  }
  if (added) await grow(item, added);
  await audit(operator, 'addCodes', id, { added }, now);
  const { data: after } = await db.collection(MALL.items).doc(id).get();
  return { added, duplicates: codes.length - added, item: itemView(after as Item, await shardsOf([id]), now) };
}

/** The stock counters' shards of these items (one query; a page has at most 50 items of ≤ 64 shards). */
export async function shardsOf(items: string[]): Promise<(CounterShard & { item: string })[]> {
  if (!items.length) return [];
  const db = getDb();
  const { data } = await db.collection(COUNTERS.shards).where({ counter: db.command.in(items.map(stockCounterOf)) }).limit(1000).get();
  return (data as CounterShard[]).map((s) => ({ ...s, item: s.counter.slice('mall:'.length) }));
}

/**
 * The one-off migration of stock kept before the shared counter (docs/mall.md · Stock): every item
 * without a counter gets one whose shards carry over each old shard's units exactly (cap = left +
 * sold, left), in one transaction per item; the old `mallStock` documents are left as they were.
 * Idempotent: an item with a counter is skipped.
 */
export async function migrateStock(operator: string, now = new Date()): Promise<{ migrated: number }> {
  const db = getDb();
  let migrated = 0;
  for (let offset = 0; ; offset += 100) {
    const { data } = await db.collection(MALL.items).orderBy('_id', 'asc').skip(offset).limit(100).get();
    for (const item of data as Item[]) {
      const { data: old } = await db.collection(MALL.legacyStock).where({ item: item._id }).limit(MAX_SHARDS).get();
      const shards = (old as LegacyStockShard[]).sort((a, b) => Number(a._id.split('#').pop()) - Number(b._id.split('#').pop()));
      if (!shards.length) continue;
      const id = stockCounterOf(item._id);
      const done = await inTransaction(async (tx) => {
        if (await txGet(tx, COUNTERS.counters, id)) return false;
        const cap = shards.reduce((n, s) => n + s.left + s.sold, 0);
        await tx.collection(COUNTERS.counters).add({ data: { _id: id, cap, shards: shards.length, createdAt: now } });
        // The same shard numbers as before: an order made before names `<item>#<i>` (see redeem.ts · journalOf).
        for (const s of shards) await tx.collection(COUNTERS.shards).add({ data: { _id: `mall:${s._id}`, counter: id, cap: s.left + s.sold, left: s.left } });
        return true;
      });
      if (done) migrated++;
    }
    if (data.length < 100) break;
  }
  await audit(operator, 'migrateStock', 'mallStock', { migrated }, now);
  return { migrated };
}

const encodeCursor = (offset: number) => Buffer.from(`o:${offset}`).toString('base64url');
function decodeCursor(cursor?: string): number {
  if (!cursor) return 0;
  const m = /^o:(\d{1,6})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!m) throw new AppError('BAD_REQUEST', 'cursor: malformed');
  return Number(m[1]);
}

/**
 * The member's catalog page: visible items not yet delisted (upcoming ones are shown with their
 * countdown), highest sort weight first; tier-only items to their tiers only. Cost: 2 database
 * requests (+1 the member's tier, read by the action).
 */
export async function listItems(
  opts: { category?: string; cursor?: string; limit: number; operator?: boolean; tier?: string; q?: string; state?: ListingState },
  now = new Date(),
) {
  const db = getDb();
  const _ = db.command;
  const offset = decodeCursor(opts.cursor);
  const where: Record<string, unknown> = opts.operator ? {} : { visible: true, delistAt: _.or(_.eq(null), _.gt(now)) };
  if (opts.category) where.category = opts.category;
  // Tier-only items (会员专享) only to their tiers: in the query, so pages stay full. A top-level
  // $and: a second field-level `_.or` beside delistAt's would collide with it (both become `$or`).
  const forTier = _.or([{ tiers: _.exists(false) }, { tiers: _.size(0) }, { tiers: opts.tier ?? '' }]);
  // The console's search (title contains, any case) and state filter, in the query so pages stay full.
  const search = opts.q ? [{ title: (db as unknown as { RegExp(o: { regexp: string; options: string }): unknown }).RegExp({ regexp: opts.q.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), options: 'i' }) }] : [];
  const clauses = [where, ...search, ...(opts.state ? [stateQuery(opts.state, now)] : [])];
  const { data } = await db
    .collection(MALL.items)
    .where(opts.operator ? (clauses.length > 1 ? _.and(clauses) : where) : _.and([where, forTier]))
    .orderBy('sortWeight', 'desc')
    .orderBy('_id', 'asc')
    .skip(offset)
    .limit(opts.limit + 1)
    .get();
  const page = (data as Item[]).slice(0, opts.limit);
  const shards = await shardsOf(page.map((i) => i._id));
  return {
    items: await Promise.all(
      page.map(async (i) => {
        const v = itemView(i, shards.filter((s) => s.item === i._id), now);
        return opts.operator ? v : { ...v, tierOnly: await tierOnlyOf(i, opts.tier ?? null) };
      }),
    ),
    nextCursor: data.length > opts.limit ? encodeCursor(offset + opts.limit) : null,
    serverNow: now.toISOString(),
  };
}

/** The query for items whose listing state (rules.ts · listingState) is `state` at `now`. */
function stateQuery(state: ListingState, now: Date): Record<string, unknown> {
  const _ = getDb().command;
  const started = _.or([{ listAt: null }, { listAt: _.lte(now) }]);
  const notEnded = _.or([{ delistAt: null }, { delistAt: _.gt(now) }]);
  if (state === 'hidden') return { visible: false };
  if (state === 'upcoming') return { visible: true, listAt: _.gt(now) };
  if (state === 'delisted') return _.and([{ visible: true }, started, { delistAt: _.lte(now) }]);
  return _.and([{ visible: true }, started, notEnded]);
}

/** Categories of the visible catalog (for the home page's tabs). */
export async function categories(now = new Date()): Promise<string[]> {
  const db = getDb();
  const _ = db.command;
  const { data } = await db
    .collection(MALL.items)
    .where({ visible: true, delistAt: _.or(_.eq(null), _.gt(now)) })
    .field({ category: true })
    .limit(1000)
    .get();
  return [...new Set((data as Item[]).map((i) => i.category))].sort();
}

/** One item for a member: hidden ones are NOT_FOUND to members. Includes what the member may still take. */
export async function itemDetail(id: string, member: string | null, now = new Date()) {
  const db = getDb();
  const { data } = await db.collection(MALL.items).doc(id).get();
  const item = data as Item | null;
  if (!item || (member && !item.visible)) throw new AppError('NOT_FOUND', `no item ${id}`);
  // A tier-only item's detail says whether this member may redeem it (+1 request: their tier, only for such items).
  const view = { ...itemView(item, await shardsOf([id]), now), ...(member ? { tierOnly: await tierOnlyOf(item, item.tiers?.length ? (await tierOf(member)).tier : null) } : {}) };
  let taken = 0;
  if (member && item.perMemberLimit > 0) {
    const { data: l } = await db.collection(MALL.limits).doc(`${id}:${member}`).get();
    taken = (l as { count?: number } | null)?.count ?? 0;
  }
  return { item: view, memberTaken: taken, serverNow: now.toISOString() };
}
