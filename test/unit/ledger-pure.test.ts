// The ledger's pure decisions: expiry dates, FIFO allocation, exchange-rate history, budget shards,
// and the planners of every operation.
import { assertOpen, normalise, planCommit, planCredit, planDebit, planExpire, planHold, planPenalty, planRelease, planReverse } from '../../cloudfunctions/common/ledger/plans';
import type { Account, Hold, Lot } from '../../cloudfunctions/common/ledger/model';
import { allocateFifo, type LotBalance } from '../../cloudfunctions/common/ledger/allocate';
import { shardCap } from '../../cloudfunctions/common/ledger/budgets';
import { campaignEndPlusMonths, expiresAt } from '../../cloudfunctions/common/ledger/policy';
import { pointsToFen, rateAt } from '../../cloudfunctions/common/ledger/rates';
import { lastValidDay } from '../../cloudfunctions/common/ledger/reminders';
import { dueBound, packLot, unpackLot } from '../../cloudfunctions/common/ledger/lots';

const at = (s: string) => new Date(s);

describe('expiry policies (Asia/Shanghai days)', () => {
  test('rolling N days: valid through the Nth day after the day of issue', () => {
    const issued = at('2026-11-22T15:30:00Z'); // 23:30 on 22 Nov in Shanghai
    const exp = expiresAt({ kind: 'rolling', days: 30 }, issued);
    expect(exp.toISOString()).toBe('2026-12-22T16:00:00.000Z'); // 00:00 23 Dec Shanghai
    expect(lastValidDay(exp)).toBe('2026-12-22');
  });

  test('an issue just after Shanghai midnight counts from the new day', () => {
    expect(lastValidDay(expiresAt({ kind: 'rolling', days: 1 }, at('2026-11-22T16:00:00Z')))).toBe('2026-11-24');
    expect(lastValidDay(expiresAt({ kind: 'rolling', days: 1 }, at('2026-11-22T15:59:59Z')))).toBe('2026-11-23');
  });

  test('rolling across a leap day and the year end', () => {
    expect(lastValidDay(expiresAt({ kind: 'rolling', days: 365 }, at('2027-03-01T04:00:00Z')))).toBe('2028-02-29');
    expect(lastValidDay(expiresAt({ kind: 'rolling', days: 3 }, at('2026-12-30T04:00:00Z')))).toBe('2027-01-02');
  });

  test('year end (自然年清零) uses the Shanghai year of issue', () => {
    expect(expiresAt({ kind: 'yearEnd' }, at('2026-06-01T00:00:00Z')).toISOString()).toBe('2026-12-31T16:00:00.000Z');
    // 20:00 UTC on 31 Dec is already 1 Jan in Shanghai: next year's end.
    expect(lastValidDay(expiresAt({ kind: 'yearEnd' }, at('2026-12-31T20:00:00Z')))).toBe('2027-12-31');
    expect(lastValidDay(expiresAt({ kind: 'yearEnd', yearsAfter: 1 }, at('2026-06-01T00:00:00Z')))).toBe('2027-12-31');
  });

  test('fixed, and a campaign end + 3 months clamped to the month’s last day', () => {
    expect(expiresAt({ kind: 'fixed', at: '2027-01-01T00:00:00+08:00' }, at('2026-06-01T00:00:00Z')).toISOString()).toBe('2026-12-31T16:00:00.000Z');
    const p = campaignEndPlusMonths(at('2026-11-30T10:00:00+08:00'), 3);
    expect(lastValidDay(expiresAt(p, at('2026-11-01T00:00:00Z')))).toBe('2027-02-28');
  });

  test('bad policies are refused', () => {
    expect(() => expiresAt({ kind: 'rolling', days: 0 }, new Date())).toThrow(RangeError);
    expect(() => expiresAt({ kind: 'rolling', days: 1.5 }, new Date())).toThrow(RangeError);
    expect(() => expiresAt({ kind: 'fixed', at: 'soon' }, new Date())).toThrow(RangeError);
  });
});

describe('FIFO allocation', () => {
  const now = at('2026-11-22T00:00:00Z');
  const lot = (id: string, remaining: number, expires: string, created = '2026-01-01T00:00:00Z', held = 0): LotBalance => ({
    _id: id,
    remaining,
    held,
    expiresAt: at(expires),
    createdAt: at(created),
  });

  test('soonest-expiring first, then oldest, then by id', () => {
    const lots = [
      lot('c', 50, '2027-06-01T00:00:00Z'),
      lot('b', 30, '2027-01-01T00:00:00Z', '2026-05-01T00:00:00Z'),
      lot('a', 30, '2027-01-01T00:00:00Z', '2026-02-01T00:00:00Z'),
    ];
    expect(allocateFifo(lots, 70, now)).toEqual([
      { lotId: 'a', amount: 30 },
      { lotId: 'b', amount: 30 },
      { lotId: 'c', amount: 10 },
    ]);
  });

  test('held points and expired lots are not available', () => {
    const lots = [lot('old', 100, '2026-11-21T00:00:00Z'), lot('h', 40, '2027-01-01T00:00:00Z', undefined, 30), lot('x', 5, '2027-02-01T00:00:00Z')];
    expect(allocateFifo(lots, 15, now)).toEqual([
      { lotId: 'h', amount: 10 },
      { lotId: 'x', amount: 5 },
    ]);
    expect(allocateFifo(lots, 16, now)).toBeNull();
  });

  test('an exact fit takes nothing extra', () => {
    expect(allocateFifo([lot('a', 10, '2027-01-01T00:00:00Z'), lot('b', 10, '2027-02-01T00:00:00Z')], 10, now)).toEqual([{ lotId: 'a', amount: 10 }]);
  });
});

describe('exchange rate history', () => {
  const history = [
    { pointsPerYuan: 100, effectiveFrom: at('2026-01-01T00:00:00Z') },
    { pointsPerYuan: 200, effectiveFrom: at('2026-07-01T00:00:00Z') },
  ];
  test('the latest change effective at or before the time', () => {
    expect(rateAt(history, at('2026-06-30T23:59:59Z'))).toBe(100);
    expect(rateAt(history, at('2026-07-01T00:00:00Z'))).toBe(200);
    expect(rateAt([...history].reverse(), at('2026-08-01T00:00:00Z'))).toBe(200);
    expect(() => rateAt(history, at('2025-12-31T00:00:00Z'))).toThrow(RangeError);
  });
  test('liability in whole fen, rounded down', () => {
    expect(pointsToFen(250, 100)).toBe(250);
    expect(pointsToFen(1, 3)).toBe(33);
    expect(pointsToFen(0, 100)).toBe(0);
  });
});

describe('budget shards', () => {
  test('caps are as even as integers allow and sum to A', () => {
    const caps = Array.from({ length: 8 }, (_, i) => shardCap(1003, 8, i));
    expect(caps.reduce((s, c) => s + c, 0)).toBe(1003);
    expect(Math.max(...caps) - Math.min(...caps)).toBeLessThanOrEqual(1);
  });
});

// ---------------------------------------------------------------------------------------------
// Planners (plans.ts): what each operation does, from plain inputs, without a database.

describe('planners', () => {
  const now = at('2026-06-01T04:00:00Z');
  const day = 86_400_000;
  const lot = (id: string, amount: number, expiresInDays: number, over: Partial<Lot> = {}): Lot => ({
    _id: id, amount, remaining: amount, held: 0, expired: 0, expiresAt: new Date(+now + expiresInDays * day), createdAt: new Date(+now - day), campaign: '', rate: 100, ...over,
  });
  const acct = (lots: Lot[], over: Partial<Account> = {}): Account => {
    const remaining = lots.reduce((s, l) => s + l.remaining, 0);
    return normalise({ _id: 'm', balance: remaining - (over.debt ?? 0), held: lots.reduce((s, l) => s + l.held, 0), lots, createdAt: now, ...over } as Account);
  };
  const credit = { key: 'c1', fingerprint: 'fp', member: 'm', amount: 100, type: 'earn' as const, source: { kind: 'scan', ref: 'x' }, campaign: '', policy: { kind: 'rolling' as const, days: 365 }, rate: 100, reason: '', operator: '' };

  test('credit: a new lot pushed alone; the same expiry, rate and campaign joins it; debt is repaid first', () => {
    const first = planCredit(acct([]), credit, now);
    expect(first.lots).toEqual({ push: expect.objectContaining({ _id: 'lot:c1', amount: 100, remaining: 100 }) });
    expect(first.after).toMatchObject({ balance: 100, earned: 100 });
    expect(first.entry).toMatchObject({ _id: 'c1', type: 'earn', delta: 100, balanceAfter: 100, lots: [{ lotId: 'lot:c1', amount: 100 }] });
    const joined = planCredit(acct([(first.lots as { push: Lot }).push]), { ...credit, key: 'c2', amount: 5 }, new Date(+now + 60_000));
    expect(joined.lots).toEqual({ set: [expect.objectContaining({ _id: 'lot:c1', amount: 105, remaining: 105 })] });
    const inDebt = planCredit(acct([], { debt: 30 }), { ...credit, amount: 20 }, now);
    expect(inDebt).toMatchObject({ after: { balance: -10, debt: 10 }, entry: { debtRepaid: 20, lots: [] } });
    expect(inDebt.lots).toBeUndefined();
  });

  test('credit past Number.MAX_SAFE_INTEGER is refused', () => {
    expect(() => planCredit(acct([], { earned: Number.MAX_SAFE_INTEGER - 1 }), { ...credit, amount: 2 }, now)).toThrow(expect.objectContaining({ code: 'BAD_REQUEST' }));
  });

  test('debit takes FIFO and refuses what is not available; held points are not available', () => {
    const a = acct([lot('late', 50, 300), lot('soon', 30, 10, { held: 10 })]);
    const p = planDebit(a, { key: 'd', fingerprint: 'fp', member: 'm', amount: 40, type: 'spend', source: { kind: 'order', ref: 'o' }, reason: '', operator: '' }, now);
    expect(p.entry.lots).toEqual([{ lotId: 'soon', amount: 20 }, { lotId: 'late', amount: 20 }]);
    expect(p.after).toMatchObject({ balance: 40, spent: 40 });
    expect(() => planDebit(a, { key: 'd', fingerprint: 'fp', member: 'm', amount: 71, type: 'spend', source: { kind: 'order', ref: 'o' }, reason: '', operator: '' }, now)).toThrow(expect.objectContaining({ code: 'INSUFFICIENT_POINTS' }));
  });

  test('hold → commit or release; a commit after the hold\'s time is HOLD_EXPIRED; a release into an expired lot expires the points', () => {
    const a = acct([lot('l', 100, 1)]);
    const h = planHold(a, { key: 'h', fingerprint: 'fp', member: 'm', amount: 60, source: { kind: 'checkout', ref: 'b' }, ttlSeconds: 900, reason: '' }, now);
    const hold = (h.hold as { add: Hold }).add;
    expect(hold).toMatchObject({ _id: 'h', status: 'open', takes: [{ lotId: 'l', amount: 60 }] });
    expect(h.after).toMatchObject({ balance: 100, held: 60 });
    const held = acct((h.lots as { set: Lot[] }).set);
    const c = planCommit(held, hold, { key: 'commit:h', fingerprint: 'fp', reason: '' }, now);
    expect(c).toMatchObject({ after: { balance: 40, held: 0, spent: 60 }, entry: { type: 'spend', ref: 'h' }, hold: { settle: { id: 'h', status: 'committed' } } });
    expect(() => planCommit(held, hold, { key: 'commit:h', fingerprint: 'fp', reason: '' }, new Date(+now + 901_000))).toThrow(expect.objectContaining({ code: 'HOLD_EXPIRED' }));
    const r = planRelease(held, hold, { key: 'release:h', fingerprint: 'fp', reason: '' }, new Date(+now + 2 * day));
    expect(r).toMatchObject({ after: { balance: 40, held: 0, expired: 60 }, entry: { delta: -60, expiredLots: [{ lotId: 'l', amount: 60 }] } });
    expect(() => assertOpen({ ...hold, status: 'committed' }, 'h')).toThrow(expect.objectContaining({ code: 'HOLD_NOT_OPEN' }));
  });

  test('reverse: a spend restores its lots; a spent credit becomes debt; a folded lot\'s points expire in its campaign', () => {
    const a = acct([lot('l', 100, 10, { remaining: 30 })]);
    const spend = { _id: 'd', member: 'm', type: 'spend', amount: 70, delta: -70, lots: [{ lotId: 'l', amount: 50 }, { lotId: 'gone', amount: 20 }], source: { kind: 'order', ref: 'o' }, campaign: '' } as any;
    const folded = new Map([['gone', { campaign: 'spring', expiresAt: new Date(+now - day) }]]);
    const closed = [{ campaign: 'spring', amount: 20, expired: 0 }];
    const r = planReverse({ ...a, closed, spent: 70 }, spend, folded, { key: 'reverse:d', fingerprint: 'fp', reason: 'x', operator: '' }, now);
    expect(r).toMatchObject({ after: { balance: 80, spent: 0, expired: 20 }, entry: { delta: 50, expiredLots: [{ lotId: 'gone', amount: 20 }] }, closed: [{ campaign: 'spring', expired: 20 }] });
    const earn = { _id: 'c', member: 'm', type: 'earn', amount: 100, delta: 100, lots: [{ lotId: 'l', amount: 100 }], source: { kind: 'task', ref: 't' }, campaign: '' } as any;
    expect(planReverse(a, earn, new Map(), { key: 'reverse:c', fingerprint: 'fp', reason: 'x', operator: '' }, now)).toMatchObject({ after: { balance: -70, debt: 70 }, entry: { delta: -100, debtCreated: 70 } });
    expect(() => planReverse(a, { ...earn, type: 'expire', delta: -1 }, new Map(), { key: 'k', fingerprint: 'fp', reason: 'x', operator: '' }, now)).toThrow(expect.objectContaining({ code: 'NOT_REVERSIBLE' }));
  });

  test('penalty takes what is available and owes the rest; expiry takes due lots only and folds what is done', () => {
    const a = acct([lot('due', 40, -1, { held: 10 }), lot('live', 30, 5)]);
    expect(planPenalty(a, { key: 'op:p', fingerprint: 'fp', member: 'm', amount: 50, reason: '违规', operator: 'o' }, now)).toMatchObject({ after: { balance: 20, debt: 20, penalized: 50 }, entry: { debtCreated: 20, lots: [{ lotId: 'live', amount: 30 }] } });
    const e = planExpire(a, { key: 'expire:r:m', fingerprint: 'fp', member: 'm', runId: 'r' }, now)!;
    expect(e).toMatchObject({ after: { balance: 40, expired: 30 }, entry: { type: 'expire', lots: [{ lotId: 'due', amount: 30 }] }, nextExpiry: new Date(+now + 5 * day) });
    expect(planExpire(acct([lot('live', 30, 5)]), { key: 'k', fingerprint: 'fp', member: 'm', runId: 'r' }, now)).toBeNull();
    const emptyDue = acct([lot('done', 10, -1, { remaining: 0 }), lot('live', 30, 5)]);
    const d = planDebit(emptyDue, { key: 'd', fingerprint: 'fp', member: 'm', amount: 1, type: 'spend', source: { kind: 'order', ref: 'o' }, reason: '', operator: '' }, now);
    expect((d.lots as { set: Lot[] }).set.map((l) => l._id)).toEqual(['live']);
    expect(d.closed).toEqual([{ campaign: '', amount: 10, expired: 0 }]);
  });
});

describe('lots as stored (lots.ts)', () => {
  const lot = { _id: 'lot:scan:AB|CD', amount: 155, remaining: 120, held: 5, expired: 0, expiresAt: at('2027-06-01T16:00:00Z'), campaign: 'spring-2027', rate: 100 };

  test('a lot packs into one short string and back, its key kept whole (even with |)', () => {
    const s = packLot(lot);
    expect(s).toBe(`${+lot.expiresAt}|100|spring-2027|155|120|5|0|scan:AB|CD`);
    expect(unpackLot(s)).toEqual(lot);
    expect(unpackLot({ ...lot, _id: 'lot:x', createdAt: at('2026-01-01T00:00:00Z'), expiresAt: lot.expiresAt.toISOString() } as any)).toMatchObject({ _id: 'lot:x', expiresAt: lot.expiresAt });
    expect(() => packLot({ ...lot, campaign: 'a|b' })).toThrow();
  });

  test('packed lots compare as strings in expiry order; dueBound keeps exactly those due', () => {
    const times = [0, 1, 86_399_999, 86_400_000, 10 ** 12, 1_795_104_000_000, 9_999_999_999_999];
    const packed = times.map((t) => packLot({ ...lot, expiresAt: new Date(t) }));
    expect([...packed].sort()).toEqual(packed);
    for (const until of times) {
      const due = packed.filter((p) => p <= dueBound(new Date(until)));
      expect(due.map((p) => +unpackLot(p).expiresAt)).toEqual(times.filter((t) => t <= until));
    }
  });

  test('a daily earner\'s year of lots is far smaller packed than as objects (canonical EJSON)', () => {
    const { EJSON } = require('bson');
    const lots = Array.from({ length: 365 }, (_, d) => ({ ...lot, _id: `lot:scan:d${d}`, campaign: '', expiresAt: new Date(1_795_104_000_000 + d * 86_400_000), createdAt: new Date() }));
    const asObjects = Buffer.byteLength(EJSON.stringify({ lots }, { relaxed: false }));
    const packed = Buffer.byteLength(EJSON.stringify({ lots: lots.map(packLot) }, { relaxed: false }));
    expect(asObjects / 1024).toBeGreaterThan(90);
    expect(packed / 1024).toBeLessThan(20);
  });
});
