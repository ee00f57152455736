// Demo data for the brand's orders and member tiers, through the real functions: the tier scheme
// (tiers.saveScheme), an order campaign (admin), and 王大山's brand orders reported by the "brand's
// server" (orders.paid / delivered with the local secret): one delivered past its return window and
// posted (its points available, 银卡 reached), one paid 9 days ago and not yet delivered, whose points
// are still 冻结中 (the e2e reports its delivery and runs the jobs tick: they become available).
import type { Runner } from '../runtime/runner';
import { LOCAL_ORDERS_SECRET } from '../runtime/identity';
import { atTime } from './clock';
import { findPersona, PERSONAS, SETUP_DAYS_AGO } from './personas';

const DAY = 86_400_000;

export const DEMO_TIER_SCHEME = {
  tiers: [
    { level: 'normal', name: '普通会员', minGrowth: 0, benefits: { earnMultiplier: 1, signinMultiplier: 1 } },
    { level: 'silver', name: '银卡会员', minGrowth: 500, benefits: { earnMultiplier: 1.2, signinMultiplier: 1.2, birthdayPoints: 50, extraPlaysPerDay: 1 } },
    { level: 'gold', name: '金卡会员', minGrowth: 2000, benefits: { earnMultiplier: 1.5, signinMultiplier: 1.5, birthdayPoints: 200, extraPlaysPerDay: 2 } },
    { level: 'black', name: '黑金会员', minGrowth: 8000, benefits: { earnMultiplier: 2, signinMultiplier: 2, birthdayPoints: 500, extraPlaysPerDay: 3, exclusiveItems: ['tea-set'] } },
  ],
  // Scan / sign-in growth may be configured (posted by the jobs tick, docs/tiers.md); the demo gives none.
  growth: { orderPerYuan: 1, scan: 0, signin: 0 },
  cycleMonths: 12,
  remindDays: 15,
};

export async function seedOrders(runner: Runner, now: Date): Promise<void> {
  const ops = PERSONAS.find((p) => p.role === 'operator')!.openid;
  const bob = findPersona('bob')!.openid;
  const must = (what: string, r: { result: unknown }) => {
    if (!(r.result as { ok?: boolean }).ok) throw new Error(`seeding ${what} failed: ${JSON.stringify(r.result)}`);
  };
  // The scheme and the campaign when the brand set up (local/seed/clock.ts); the orders are today's reports.
  await atTime(new Date(+now - SETUP_DAYS_AGO * DAY), async () => {
    must('the tier scheme', await runner.callAsMember('tiers', { action: 'saveScheme', ...DEMO_TIER_SCHEME }, ops));
    must(
      'the order campaign',
      await runner.callAsMember(
        'admin',
        { action: 'createCampaign', id: 'shop-orders', kind: 'order', name: '官方商城消费积分', rule: { pointsPerYuan: 1, excludedCategories: ['gift-card'], returnDays: 7, stacking: 'multiply' }, caps: [{ period: 'day', unit: 'points', limit: 5000 }] },
        ops,
      ),
    );
    must('the order campaign', await runner.callAsMember('admin', { action: 'publishCampaign', id: 'shop-orders' }, ops));
  });
  const brand = (data: Record<string, unknown>) => runner.invoke('orders', { ...data, secret: LOCAL_ORDERS_SECRET }, { SOURCE: 'wx_http' });
  const at = (daysAgo: number) => new Date(+now - daysAgo * DAY).toISOString();
  must(
    'a brand order',
    await brand({
      action: 'paid',
      orderId: 'SO-20261115-0008',
      member: bob,
      paidFen: 69_600,
      shippingFen: 800,
      items: [
        { sku: 'tea-gift-box', category: 'tea', paidFen: 58_800 },
        { sku: 'gift-card-50', category: 'gift-card', paidFen: 10_000 },
      ],
      paidAt: at(14),
    }),
  );
  must('a brand order', await brand({ action: 'delivered', orderId: 'SO-20261115-0008', deliveredAt: at(12) }));
  must('posting', await runner.callAsMember('orders', { action: 'postDue' }, ops));
  must(
    'a brand order',
    await brand({ action: 'paid', orderId: 'SO-20261120-0012', member: bob, paidFen: 12_800, shippingFen: 0, items: [{ sku: 'tea-250', category: 'tea', paidFen: 12_800 }], paidAt: at(9) }),
  );
}
