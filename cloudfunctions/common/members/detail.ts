// A member as operators see them (docs/api.md#memberdetail): profile (masked by role), points
// totals and lots, tier, earn block and open freezes — then each list a section of its own, paged
// by (createdAt, _id) over the member's own index: points history (filter by source kind and Shanghai
// days), sign-ins (history of kind signin), draws, mall orders, scans (codes claimed) and risk events.
import { getDb } from '../cloud';
import { decodeCursor, encodeCursor } from '../cursor';
import { AppError } from '../errors';
import { unpackLots } from '../ledger/lots';
import type { Entry, Hold } from '../ledger/model';
import { entriesForReading, openHoldsOf, readAccount } from '../ledger/access';
import { lastValidDay } from '../ledger/reminders';
import type { StoredAccount } from '../ledger/plans';
import { COLLECTIONS as CODES } from '../codes/model';
import { MALL } from '../mall/model';
import { provinceName } from '../codes/regions';
import { tierOf } from '../tiers/service';
import { accessFor, membersForOperator } from '../privacy/access';
import { toMemberView, type MemberDoc } from '../services/members';
import { shanghaiDayStart } from '../time';
import { BLOCK_FIELD, type EarnBlock } from '../risk/block';

const DAY_MS = 86_400_000;

/** The member's page head: one member read, one account read (its lots included), the tier, the open holds. */
export async function memberDetail(operator: string, openid: string, now = new Date()) {
  const db = getDb();
  const [{ data: m }, { data: a }] = await Promise.all([
    db.collection('members').doc(openid).get().catch(() => ({ data: null })),
    readAccount(openid).then((data) => ({ data })),
  ]);
  if (!m) throw new AppError('NOT_FOUND', '会员不存在');
  const [member] = await membersForOperator(await accessFor(operator), [toMemberView(m as MemberDoc)]);
  const account = (a as (StoredAccount & { [BLOCK_FIELD]?: EarnBlock | null }) | null) ?? null;
  const [tier, holds] = await Promise.all([tierOf(openid), openHoldsOf(openid, 20)]);
  const lots = unpackLots(account?.lots)
    .filter((l) => l.remaining > 0 || l.held > 0)
    .sort((x, y) => +new Date(x.expiresAt) - +new Date(y.expiresAt) || x._id.localeCompare(y._id))
    .map((l) => ({ id: l._id, amount: l.amount, remaining: l.remaining, held: l.held, campaign: l.campaign, rate: l.rate, lastValidDay: lastValidDay(new Date(l.expiresAt)), expired: +new Date(l.expiresAt) <= +now }));
  const block = account?.[BLOCK_FIELD] ?? null;
  return {
    member,
    points: account
      ? { balance: account.balance ?? 0, held: account.held ?? 0, debt: account.debt ?? 0, available: Math.max(0, (account.balance ?? 0) - (account.held ?? 0)), earned: account.earned ?? 0, spent: account.spent ?? 0, expired: account.expired ?? 0, penalized: account.penalized ?? 0 }
      : null,
    lots: lots.slice(0, 100),
    lotCount: lots.length,
    tier: { level: tier.tier, name: tier.name },
    earnBlock: block ? { case: block.case, by: block.by, at: new Date(block.at).toISOString(), reason: block.reason } : null,
    freezes: (holds as Hold[]).map((h) => ({ id: h._id, amount: h.amount, kind: h.source.kind, ref: h.source.ref, expiresAt: new Date(h.expiresAt).toISOString(), createdAt: new Date(h.createdAt).toISOString() })),
  };
}

export const SECTIONS = ['history', 'signins', 'draws', 'orders', 'scans', 'risk'] as const;
export type Section = (typeof SECTIONS)[number];

export interface SectionQuery {
  openid: string;
  section: Section;
  cursor?: string;
  limit: number;
  /** history: source kinds. */
  kinds?: string[];
  /** Shanghai days, inclusive. */
  from?: string;
  to?: string;
}

/** Where each section reads: collection (null: the ledger's entries), the member field, the time field of its index. */
const WHERE: Record<Section, { collection: string | null; member: string; at: string }> = {
  history: { collection: null, member: 'member', at: 'createdAt' },
  signins: { collection: null, member: 'member', at: 'createdAt' },
  draws: { collection: 'draws', member: 'member', at: 'createdAt' },
  orders: { collection: MALL.orders, member: 'member', at: 'createdAt' },
  scans: { collection: CODES.codes, member: 'claimedBy', at: 'claimedAt' },
  risk: { collection: CODES.riskEvents, member: 'member', at: 'createdAt' },
};

const iso = (d: unknown) => (d ? new Date(d as Date).toISOString() : '');

const ROW: Record<Section, (d: any) => Record<string, unknown>> = {
  history: (e: Entry) => ({ id: e._id, type: e.type, amount: e.amount, delta: e.delta, balanceAfter: e.balanceAfter, debtAfter: e.debtAfter ?? 0, kind: e.source?.kind ?? '', ref: e.source?.ref ?? '', campaign: e.campaign ?? '', reason: e.reason ?? '', operator: e.operator ?? '', debtCreated: e.debtCreated ?? 0, createdAt: iso(e.createdAt) }),
  signins: (e: Entry) => ({ id: e._id, type: e.type, amount: e.amount, delta: e.delta, day: e.source?.ref ?? '', reason: e.reason ?? '', createdAt: iso(e.createdAt) }),
  draws: (d) => ({ id: d._id, pool: d.pool, game: d.game, paid: d.paid, cost: d.cost, prize: d.prize?.name ?? '', prizeKind: d.prize?.kind ?? '', status: d.status, createdAt: iso(d.createdAt) }),
  orders: (o) => ({ id: o._id, title: o.title, quantity: o.quantity, points: o.points, cashFen: o.cashFen, status: o.status, createdAt: iso(o.createdAt) }),
  scans: (c) => ({ id: c._id, batch: c.batch, points: c.points ?? 0, scans: c.scans ?? 0, scanners: c.scanners?.length ?? 0, createdAt: iso(c.claimedAt) }),
  risk: (r) => ({ id: r._id, kind: r.kind, code: r.code, batch: r.batch, province: r.province, provinceName: r.province ? provinceName(r.province) : '', createdAt: iso(r.createdAt) }),
};

/** One page of a section, newest first. */
export async function memberSection(q: SectionQuery) {
  const db = getDb();
  const _ = db.command;
  const w = WHERE[q.section];
  const conditions: object[] = [{ [w.member]: q.openid }];
  if (q.section === 'signins') conditions.push({ 'source.kind': 'signin' });
  if (q.section === 'history' && q.kinds?.length) conditions.push({ 'source.kind': _.in(q.kinds) });
  if (q.from) conditions.push({ [w.at]: _.gte(shanghaiDayStart(q.from)) });
  if (q.to) conditions.push({ [w.at]: _.lt(new Date(+shanghaiDayStart(q.to) + DAY_MS)) });
  if (q.cursor) {
    const c = decodeCursor(q.cursor);
    conditions.push(_.or([{ [w.at]: _.lt(c.at) }, { [w.at]: c.at, _id: _.lt(c.id) }]));
  }
  const { data } = await (w.collection ? db.collection(w.collection) : entriesForReading()).where(_.and(conditions)).orderBy(w.at, 'desc').orderBy('_id', 'desc').limit(q.limit + 1).get();
  const page = (data as Record<string, unknown>[]).slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    items: page.map(ROW[q.section]),
    nextCursor: data.length > q.limit && last ? encodeCursor({ at: new Date(last[w.at] as Date), id: String(last._id) }) : null,
  };
}
