// 导出我的数据 (docs/privacy.md#what-a-member-can-see): everything the brand holds about the caller,
// in one answer — profile, saved address, points (account and history), orders, scans. Lists are
// newest first and capped (`truncated` says so); every export is audited.
import { getDb } from '../cloud';
import { memberBook, memberEntries } from '../ledger/pseudonymise';
import { MALL, type Address } from '../mall/model';
import { missingMember, PRIVACY } from './closure';
import { ORDERS } from '../orders/model';
import { orderNoOf } from '../mall/order-doc';
import { COLLECTIONS as TIERS } from '../tiers/service';

/** Per list; a member past it sees the newest ones and `truncated: true`. */
export const EXPORT_LIMIT = 500;
const PAGE = 100;

interface Listed<T> {
  items: T[];
  truncated: boolean;
}

async function newest<T>(collection: string, where: Record<string, unknown>, orderField: string, fields?: Record<string, boolean>): Promise<Listed<T>> {
  const out: T[] = [];
  for (let skip = 0; skip <= EXPORT_LIMIT; skip += PAGE) {
    let q = getDb().collection(collection).where(where).orderBy(orderField, 'desc').orderBy('_id', 'asc');
    if (fields) q = q.field(fields);
    const { data } = await q.skip(skip).limit(PAGE).get();
    out.push(...(data as T[]));
    if (data.length < PAGE) break;
  }
  return { items: out.slice(0, EXPORT_LIMIT), truncated: out.length > EXPORT_LIMIT };
}

const iso = (d: unknown) => (d ? new Date(d as string).toISOString() : null);

export async function exportMyData(openid: string, now = new Date()) {
  const db = getDb();
  const { data: member } = await db.collection('members').doc(openid).get().catch(() => ({ data: null }));
  if (!member) await missingMember(openid);
  const m = member as { _id: string; nickname: string; avatarUrl: string; phone: string; birthday?: string; createdAt: Date; updatedAt: Date };
  const [a, { data: saved }, entries, orders, scans, earnings, growth, tier] = await Promise.all([
    memberBook(openid),
    db.collection(MALL.addresses).doc(openid).get().catch(() => ({ data: null })),
    memberEntries(openid, EXPORT_LIMIT),
    newest<Record<string, any>>(MALL.orders, { member: openid }, 'createdAt'),
    newest<Record<string, any>>('codes', { claimedBy: openid }, 'claimedAt', { _id: true, batch: true, claimedAt: true, points: true, scans: true }),
    // The brand's orders earning points and the member's tier (docs/orders.md, docs/tiers.md).
    newest<Record<string, any>>(ORDERS.orders, { member: openid }, 'paidAt', { _id: true, paidFen: true, points: true, pending: true, posted: true, reversed: true, status: true, paidAt: true }),
    newest<Record<string, any>>(TIERS.growth, { member: openid }, 'seq', { _id: true, delta: true, seq: true, at: true }),
    db.collection(TIERS.members).doc(openid).get().catch(() => ({ data: null })),
  ]);
  await db.collection(PRIVACY.audit).add({ data: { actor: openid, role: 'member', action: 'export', what: 'self', count: 1, createdAt: now } });
  return {
    generatedAt: now.toISOString(),
    profile: { openid: m._id, nickname: m.nickname, avatarUrl: m.avatarUrl, phone: m.phone, birthday: m.birthday ?? '', createdAt: iso(m.createdAt), updatedAt: iso(m.updatedAt) },
    addresses: (saved as { address?: Address } | null)?.address ? [(saved as { address: Address }).address] : [],
    points: {
      balance: a?.balance ?? 0,
      held: a?.held ?? 0,
      debt: a?.debt ?? 0,
      earned: a?.earned ?? 0,
      spent: a?.spent ?? 0,
      expired: a?.expired ?? 0,
      lots: (a?.lots ?? []).map((l) => ({ amount: l.amount, remaining: l.remaining, expiresAt: iso(l.expiresAt) })),
    },
    history: {
      truncated: entries.truncated,
      items: entries.items.map((e) => ({ id: e._id, type: e.type, delta: e.delta, balanceAfter: e.balanceAfter, kind: e.source?.kind ?? '', reason: e.reason ?? '', createdAt: iso(e.createdAt) })),
    },
    orders: {
      truncated: orders.truncated,
      items: orders.items.map((o) => ({ id: o._id, no: orderNoOf(o as never), title: o.title, quantity: o.quantity, points: o.points, cashFen: o.cashFen, status: o.status, address: o.address ?? null, createdAt: iso(o.createdAt) })),
    },
    brandOrders: {
      truncated: earnings.truncated,
      items: earnings.items.map((o) => ({ id: o._id, paidFen: o.paidFen, points: o.points, pending: o.pending, posted: o.posted, reversed: o.reversed, status: o.status, paidAt: iso(o.paidAt) })),
    },
    tier: {
      level: (tier.data as { level?: string } | null)?.level ?? null,
      growthInCycle: (tier.data as { growthInCycle?: number } | null)?.growthInCycle ?? 0,
      lifetimeGrowth: (tier.data as { lifetimeGrowth?: number } | null)?.lifetimeGrowth ?? 0,
      growth: { truncated: growth.truncated, items: growth.items.map((g) => ({ id: g._id, delta: g.delta, at: iso(g.at) })) },
    },
    scans: {
      truncated: scans.truncated,
      items: scans.items.map((c) => ({ code: c._id, batch: c.batch, points: c.points ?? 0, claimedAt: iso(c.claimedAt) })),
    },
  };
}
