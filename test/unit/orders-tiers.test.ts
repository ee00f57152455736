// Pure parts of order earning and member tiers: the formula and its rounding, exclusions, how the
// multipliers stack, the per-order cap's split, proportional refunds in any order, when pending
// points post, and tier changes (up at once, down one level at the cycle end, refunds, replay).
import { orderPoints, orderRuleSchema, remainingOf, split, type OrderRule } from '../../cloudfunctions/common/campaigns/rules/order';
import { planRefund, postAtOf, refundFingerprint } from '../../cloudfunctions/common/orders/plan';
import type { OrderItem } from '../../cloudfunctions/common/orders/model';
import { addMonths, applyGrowth, closeCycle, initialState, keepReminder, replay, type Scheme } from '../../cloudfunctions/common/tiers/rules';
import { seededRandom } from '../helpers/random';

const rule = (r: Partial<OrderRule> = {}): OrderRule => orderRuleSchema.parse({ pointsPerYuan: 1, ...r }) as OrderRule;
const ev = (items: { sku: string; category?: string; paidFen: number }[], tierMultiplier = 1, paidAt = new Date('2026-11-29T04:00:00Z')) => ({
  orderId: 'O1',
  items: items.map((i) => ({ category: 'tea', ...i })),
  tierName: '金卡会员',
  tierMultiplier,
  paidAt,
});

describe('order formula', () => {
  test('floor per item: 1 point per yuan; 0.1× (JD style) floors each item on its own', () => {
    expect(orderPoints(rule(), ev([{ sku: 'a', paidFen: 12_899 }, { sku: 'b', paidFen: 199 }])).points).toBe(128 + 1);
    const jd = orderPoints(rule({ pointsPerYuan: 0.1 }), ev([{ sku: 'a', paidFen: 12_899 }, { sku: 'b', paidFen: 9_999 }]));
    expect(jd.items.map((i) => i.points)).toEqual([12, 9]); // not floor(228.98 × 0.1) = 22
    expect(jd.points).toBe(21);
  });

  test('excluded skus and categories earn nothing; no float drift (0.07 × ¥100 = 7, 1.1 × 1.1 multipliers exact)', () => {
    const r = rule({ excludedSkus: ['gift'], excludedCategories: ['card'] });
    const b = orderPoints(r, ev([{ sku: 'gift', paidFen: 5000 }, { sku: 'x', category: 'card', paidFen: 5000 }, { sku: 'y', paidFen: 5000 }]));
    expect(b.items).toEqual([{ eligibleFen: 0, points: 0 }, { eligibleFen: 0, points: 0 }, { eligibleFen: 5000, points: 50 }]);
    expect(orderPoints(rule({ pointsPerYuan: 0.07 }), ev([{ sku: 'a', paidFen: 10_000 }])).points).toBe(7);
    const m = rule({ multipliers: [{ from: '2026-11-01T00:00:00Z', to: '2026-12-01T00:00:00Z', factor: 1.1 }] });
    expect(orderPoints(m, ev([{ sku: 'a', paidFen: 10_000 }], 1.1)).points).toBe(121); // 100 × 1.21, not 121.00000000000001 floored oddly
  });

  test('stacking is the operator’s explicit choice: multiply, max, add', () => {
    const w = [{ from: '2026-11-01T00:00:00Z', to: '2026-12-01T00:00:00Z', factor: 2 }];
    const at = (stacking: OrderRule['stacking']) => orderPoints(rule({ multipliers: w, stacking }), ev([{ sku: 'a', paidFen: 10_000 }], 1.5)).points;
    expect([at('multiply'), at('max'), at('add')]).toEqual([300, 200, 250]);
    const why = (stacking: OrderRule['stacking']) => orderPoints(rule({ multipliers: w, stacking }), ev([{ sku: 'a', paidFen: 10_000 }], 1.5)).why;
    expect(why('multiply')).toBe('订单 O1 · 实付 ¥100.00 × 1 · 金卡会员 1.5 倍 · 活动 2 倍');
    expect(why('max')).toBe('订单 O1 · 实付 ¥100.00 × 1 · 活动 2 倍');
    expect(why('add')).toBe('订单 O1 · 实付 ¥100.00 × 1 · 金卡会员 1.5 倍、活动 2 倍叠加为 2.5 倍');
    // Outside the window only the tier applies; tierMultiplier false ignores the tier.
    expect(orderPoints(rule({ multipliers: w }), ev([{ sku: 'a', paidFen: 10_000 }], 1.5, new Date('2026-12-02T00:00:00Z'))).points).toBe(150);
    expect(orderPoints(rule({ tierMultiplier: false }), ev([{ sku: 'a', paidFen: 10_000 }], 1.5)).points).toBe(100);
  });

  test('the per-order cap, and the why names the order, amount, ratio and tier', () => {
    const b = orderPoints(rule({ maxPerOrder: 100 }), ev([{ sku: 'a', paidFen: 12_800 }, { sku: 'b', paidFen: 12_800 }], 1.5));
    expect(b).toMatchObject({ uncapped: 384, points: 100 });
    expect(orderPoints(rule(), ev([{ sku: 'a', paidFen: 12_800 }], 1.5)).why).toBe('订单 O1 · 实付 ¥128.00 × 1 · 金卡会员 1.5 倍');
  });

  test('split: shares in proportion, sum exact, deterministic', () => {
    expect(split([192, 192], 100)).toEqual([50, 50]);
    expect(split([1, 1, 1], 2)).toEqual([1, 1, 0]);
    expect(split([10, 20], 30)).toEqual([10, 20]);
    const rnd = seededRandom(7);
    for (let k = 0; k < 200; k++) {
      const w = Array.from({ length: 1 + Math.floor(rnd() * 5) }, () => Math.floor(rnd() * 1000));
      const total = Math.floor(rnd() * (w.reduce((s, x) => s + x, 0) + 1));
      const s = split(w, total);
      expect(s.reduce((a, b) => a + b, 0)).toBe(total);
      s.forEach((x, i) => expect(x).toBeLessThanOrEqual(w[i]));
    }
  });
});

describe('refunds', () => {
  const items = (): OrderItem[] => [
    { sku: 'a', category: 't', paidFen: 10_000, deductionFen: 0, eligibleFen: 10_000, points: 150, refundedFen: 0 },
    { sku: 'b', category: 't', paidFen: 3_333, deductionFen: 0, eligibleFen: 3_333, points: 49, refundedFen: 0 },
  ];
  const order = () => ({ items: items(), shippingFen: 800, refundedShippingFen: 0, growth: 133 });

  test('proportional by fen, floored on what remains; a full refund takes back exactly all', () => {
    expect(remainingOf(150, 10_000, 3_000)).toBe(105);
    const p = planRefund(order(), { items: [{ sku: 'a', fen: 3_000 }], shippingFen: 0 });
    expect(p).toMatchObject({ points: 45, growth: 133 - Math.floor((133 * 10_333) / 13_333) });
    const all = planRefund(order(), { items: [{ sku: 'a', fen: 10_000 }, { sku: 'b', fen: 3_333 }], shippingFen: 800 });
    expect(all).toMatchObject({ points: 199, growth: 133 });
  });

  test('refunds in any order and any split end in the same totals (seeded)', () => {
    const seed = 20261129;
    const rnd = seededRandom(seed);
    for (let round = 0; round < 100; round++) {
      // cut each item's fen into random refunds, shuffle them, apply one by one
      const parts: { sku: string; fen: number }[] = [];
      for (const it of items()) {
        let left = Math.floor(rnd() * (it.paidFen + 1));
        while (left > 0) {
          const f = 1 + Math.floor(rnd() * left);
          parts.push({ sku: it.sku, fen: f });
          left -= f;
        }
      }
      parts.sort(() => rnd() - 0.5);
      let o = order();
      let points = 0;
      let growth = 0;
      for (const part of parts) {
        const p = planRefund(o, { items: [part], shippingFen: 0 });
        points += p.points;
        growth += p.growth;
        o = { ...o, items: p.items };
      }
      const once = planRefund(order(), { items: o.items.filter((i) => i.refundedFen).map((i) => ({ sku: i.sku, fen: i.refundedFen })), shippingFen: 0 });
      expect({ points, growth, seed }).toEqual({ points: once.points, growth: once.growth, seed });
    }
  });

  test('bad refunds: unknown sku, more than paid (items or shipping) are refused', () => {
    expect(() => planRefund(order(), { items: [{ sku: 'zz', fen: 1 }], shippingFen: 0 })).toThrow(expect.objectContaining({ code: 'ORDER_ITEM_UNKNOWN' }));
    expect(() => planRefund(order(), { items: [{ sku: 'a', fen: 10_001 }], shippingFen: 0 })).toThrow(expect.objectContaining({ code: 'REFUND_TOO_LARGE' }));
    expect(() => planRefund(order(), { items: [], shippingFen: 801 })).toThrow(expect.objectContaining({ code: 'REFUND_TOO_LARGE' }));
  });

  test('a refund’s fingerprint ignores the order its items are listed in', () => {
    expect(refundFingerprint({ items: [{ sku: 'a', fen: 1 }, { sku: 'b', fen: 2 }], shippingFen: 0 })).toBe(refundFingerprint({ items: [{ sku: 'b', fen: 2 }, { sku: 'a', fen: 1 }], shippingFen: 0 }));
  });

  test('pending points post at 00:00 Shanghai after the return window (delivered 23:30 Shanghai counts as that day)', () => {
    // 2026-11-29 23:30 Shanghai = 15:30Z; 7 days → through 12-06; available 2026-12-07 00:00 Shanghai = 12-06 16:00Z
    expect(postAtOf(new Date('2026-11-29T15:30:00Z'), 7).toISOString()).toBe('2026-12-06T16:00:00.000Z');
    expect(postAtOf(new Date('2026-11-29T16:30:00Z'), 0).toISOString()).toBe('2026-11-30T16:00:00.000Z');
  });
});

describe('tiers', () => {
  const scheme: Scheme = {
    version: 1,
    tiers: ['普通', '银卡', '金卡', '黑金'].map((name, i) => ({
      level: ['normal', 'silver', 'gold', 'black'][i],
      name,
      minGrowth: [0, 500, 2000, 8000][i],
      benefits: { earnMultiplier: [1, 1.2, 1.5, 2][i], signinMultiplier: 1, birthdayPoints: 0, extraPlaysPerDay: i, exclusiveItems: [] },
    })),
    growth: { orderPerYuan: 1, scan: 5, signin: 1 },
    cycleMonths: 12,
    remindDays: 15,
  };
  const s0 = initialState(scheme, '2026-01-31');

  test('cycle months from a 31st land on the month’s last day', () => {
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2026-11-29', 12)).toBe('2027-11-29');
    expect(s0.cycleEnd).toBe('2027-01-31');
  });

  test('upgrade at once, several levels if the growth reaches them', () => {
    const r = applyGrowth(scheme, s0, 2500, true);
    expect(r.state.level).toBe('gold');
    expect(r.change).toEqual({ from: 'normal', to: 'gold', reason: 'upgrade' });
  });

  test('a refund goes back only as far as the growth still reaches, never below the cycle’s start', () => {
    let s = applyGrowth(scheme, s0, 600, true).state; // silver
    s = closeCycle(scheme, s, '2027-01-31')!.state; // new cycle starts at silver (kept: 600 ≥ 500)
    expect(s).toMatchObject({ level: 'silver', levelAtCycleStart: 'silver', growthInCycle: 0 });
    s = applyGrowth(scheme, s, 2100, true).state;
    expect(s.level).toBe('gold');
    const back = applyGrowth(scheme, s, -2100, true);
    expect(back.state.level).toBe('silver');
    expect(back.change?.reason).toBe('refund');
    // a reversal of the last cycle's growth changes the lifetime total only
    expect(applyGrowth(scheme, s, -600, false).state).toMatchObject({ level: 'gold', growthInCycle: 2100 });
  });

  test('downgrade only at the cycle end, one level at a time; kept with enough growth', () => {
    let s = applyGrowth(scheme, s0, 9000, true).state; // black
    expect(closeCycle(scheme, s, '2027-01-30')).toBeNull();
    const c1 = closeCycle(scheme, s, '2027-01-31')!;
    expect(c1.change).toEqual({ from: 'black', to: 'black', reason: 'cycle-keep' });
    s = c1.state;
    const c2 = closeCycle(scheme, s, '2028-01-31')!; // no growth in the cycle
    expect(c2.change).toEqual({ from: 'black', to: 'gold', reason: 'cycle-down' });
    expect(closeCycle(scheme, c2.state, '2029-01-31')!.state.level).toBe('silver');
  });

  test('reminder "还差 X 成长值保级" within remindDays of the cycle end', () => {
    const s = { ...applyGrowth(scheme, s0, 600, true).state, growthInCycle: 450 };
    expect(keepReminder(scheme, s, '2027-01-01')).toBeNull(); // 30 days before
    expect(keepReminder(scheme, s, '2027-01-20')).toMatchObject({ short: 50, text: '还差 50 成长值保级（2027-01-31 前）' });
    expect(keepReminder(scheme, { ...s, growthInCycle: 500 }, '2027-01-20')).toBeNull();
  });

  test('replay of growth entries and cycle ends in seq order gives the stored state (seeded)', () => {
    const seed = 4242;
    const rnd = seededRandom(seed);
    let s = s0;
    const steps: Parameters<typeof replay>[2] = [];
    let day = '2026-01-31';
    for (let k = 0; k < 300; k++) {
      if (rnd() < 0.05) {
        day = addMonths(day, 6);
        const c = closeCycle(scheme, s, day);
        if (c) {
          s = c.state;
          steps.push({ seq: s.seq, kind: 'cycle', day });
        }
      } else {
        const delta = rnd() < 0.7 ? Math.floor(rnd() * 900) + 1 : -Math.min(s.growthInCycle, Math.floor(rnd() * 500) + 1);
        if (delta === 0) continue;
        s = applyGrowth(scheme, s, delta, true).state;
        steps.push({ seq: s.seq, kind: 'growth', delta, inCycle: true });
      }
    }
    expect({ seed, state: replay(scheme, s0, steps.reverse()) }).toEqual({ seed, state: s });
  });
});

describe('the ledger: part of an earn reversed (planReverse with an amount)', () => {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { planReverse } = require('../../cloudfunctions/common/ledger/plans');
  const now = new Date('2026-11-29T04:00:00Z');
  const lot = { _id: 'lot:order:O1', amount: 100, remaining: 30, held: 0, expired: 0, expiresAt: new Date('2027-11-29T00:00:00Z'), createdAt: now, campaign: 'shop', rate: 100 };
  const account = { _id: 'm', balance: 30, held: 0, debt: 0, earned: 100, spent: 70, expired: 0, penalized: 0, lots: [lot], closed: [], nextExpiry: null, createdAt: now };
  const earn = { _id: 'order:O1', member: 'm', type: 'earn', amount: 100, delta: 100, lots: [{ lotId: 'lot:order:O1', amount: 100 }], source: { kind: 'order', ref: 'O1' }, campaign: 'shop' };
  const plan = (amount?: number) => planReverse(account, earn, new Map(), { key: 'k', fingerprint: 'f', reason: 'r', operator: '', amount }, now);

  test('what is left of the lot first, the rest as debt; balance = Σ remaining − debt holds', () => {
    const p = plan(50);
    expect(p.entry).toMatchObject({ amount: 50, delta: -50, lots: [{ lotId: 'lot:order:O1', amount: 30 }], debtCreated: 20 });
    expect(p.after).toMatchObject({ balance: -20, debt: 20, earned: 50 });
    expect(plan(10).entry).toMatchObject({ amount: 10, lots: [{ amount: 10 }] });
    expect(plan().entry.amount).toBe(100); // without an amount: the whole earn, as before
  });

  test('more than the earn, or part of a spend, is refused', () => {
    expect(() => plan(101)).toThrow(expect.objectContaining({ code: 'BAD_REQUEST' }));
    expect(() => planReverse(account, { ...earn, type: 'spend', delta: -100 }, new Map(), { key: 'k', fingerprint: 'f', reason: 'r', operator: '', amount: 5 }, now)).toThrow(expect.objectContaining({ code: 'NOT_REVERSIBLE' }));
  });
});
