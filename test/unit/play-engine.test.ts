// The prize-pool engine's pure decisions: both draw modes (chi-square on 100,000 seeded odds draws,
// exact deck counts), the fallback, publish validation, the rules page, commit-reveal and the chain.
import { byDeck, byOdds, prizeCostFen, publishProblems, rulesPage, splitStock } from '../../cloudfunctions/common/play/engine';
import { commitOf, GENESIS, pick, recordHash, rollOf } from '../../cloudfunctions/common/play/fair';
import { poolSchema, type Pool } from '../../cloudfunctions/common/play/model';
import { verifyLog } from '../../scripts/verify-draws';
import { pool as rawPool } from '../integration/play-fixtures';

const parse = (over: Record<string, any> = {}): Pool => poolSchema.parse(rawPool(over));
const WINDOW = { from: '2026-12-01T00:00:00Z', to: '2026-12-31T00:00:00Z' };
const SEED = 'a'.repeat(64);

// Chi-square critical values at p = 0.001 by degrees of freedom.
const CRITICAL_001: Record<number, number> = { 1: 10.83, 2: 13.82, 3: 16.27, 4: 18.47, 5: 20.52 };

describe('odds mode', () => {
  test('100,000 seeded draws match the published weights (chi-square, p > 0.001)', () => {
    const pool = parse({
      prizes: [
        { id: 'a', name: '大奖', kind: 'points', points: 500, costFen: 500, count: null, weight: 1 },
        { id: 'b', name: '中奖', kind: 'points', points: 50, costFen: 50, count: null, weight: 9 },
        { id: 'c', name: '小奖', kind: 'points', points: 5, costFen: 5, count: null, weight: 30 },
        { id: 'none', name: '谢谢参与', kind: 'none', costFen: 0, count: null, weight: 60 },
      ],
    });
    const N = 100_000;
    const counts: Record<string, number> = {};
    for (let i = 0; i < N; i++) {
      const p = byOdds(pool, rollOf(SEED, `m${i % 500}`, `draw:stat:m${i % 500}:k${i}`), () => true).prize.id;
      counts[p] = (counts[p] ?? 0) + 1;
    }
    const total = pool.prizes.reduce((s, p) => s + p.weight, 0);
    const chi2 = pool.prizes.reduce((s, p) => {
      const expected = (N * p.weight) / total;
      return s + ((counts[p.id] ?? 0) - expected) ** 2 / expected;
    }, 0);
    console.log(`chi-square ${chi2.toFixed(2)} (df 3, critical ${CRITICAL_001[3]}) counts ${JSON.stringify(counts)}`);
    expect(chi2).toBeLessThan(CRITICAL_001[3]);
  });

  test('a roll at the very top of the range still names the last prize (no hole at Σ weights)', () => {
    const pool = parse();
    expect(byOdds(pool, 'f'.repeat(64), () => true).prize.id).toBe('none');
    expect(pick('f'.repeat(64), 7)).toBe(6);
    expect(byOdds(pool, '0'.repeat(64), () => true).prize.id).toBe('p50');
  });

  test('a prize that has run out gives the published fallback and says so; the others keep their odds', () => {
    const pool = parse();
    const out = byOdds(pool, '0'.repeat(64), (id) => id !== 'p50');
    expect(out).toMatchObject({ prize: { id: 'none' }, fallbackFrom: 'p50' });
    // A roll naming p5 is unaffected by p50 running out.
    const mid = Math.floor(0.3 * 2 ** 52).toString(16).padStart(13, '0') + '0'.repeat(51);
    expect(byOdds(pool, mid, (id) => id !== 'p50')).toEqual({ prize: expect.objectContaining({ id: 'p5' }) });
  });
});

describe('deck mode', () => {
  test('drawing the whole run gives every prize exactly its count, then nothing', () => {
    const pool = parse({
      mode: 'deck',
      fallback: undefined,
      prizes: [
        { id: 'a', name: '一等奖', kind: 'points', points: 500, costFen: 500, count: 3 },
        { id: 'b', name: '二等奖', kind: 'points', points: 50, costFen: 50, count: 40 },
        { id: 'none', name: '谢谢参与', kind: 'none', costFen: 0, count: 957 },
      ],
    });
    for (const parts of [splitStock(pool)]) {
      const got: Record<string, number> = {};
      parts.forEach((remaining, shard) => {
        const left = { ...remaining };
        for (let i = 0; ; i++) {
          const out = byDeck(pool, rollOf(SEED, 'm', `draw:deck:m:${shard}-${i}`), left);
          if (!out) break;
          left[out.prize.id]--;
          got[out.prize.id] = (got[out.prize.id] ?? 0) + 1;
        }
        expect(Object.values(left).every((n) => n === 0)).toBe(true);
      });
      expect(got).toEqual({ a: 3, b: 40, none: 957 });
    }
  });

  test('the stock split over shards sums to each count; single prizes spread over shards', () => {
    const pool = parse({ shards: 4 });
    const parts = splitStock(pool);
    expect(parts.reduce((s, p) => s + (p.p50 ?? 0), 0)).toBe(20);
    expect(parts.reduce((s, p) => s + (p.p5 ?? 0), 0)).toBe(1000);
    expect(parts.every((p) => p.none === undefined)).toBe(true); // unlimited: not stock
  });
});

describe('publish validation', () => {
  test('a valid pool has no problems', () => expect(publishProblems(parse(), WINDOW)).toEqual([]));
  test('a prize over ¥50,000 is refused (反不正当竞争法 art. 10)', () => {
    const pool = parse({ budgetFen: 10_000_000_000, prizes: [{ id: 'car', name: '汽车', kind: 'mallItem', item: 'car', costFen: 5_000_001, count: 1, weight: 1 }, { id: 'none', name: '谢谢参与', kind: 'none', costFen: 0, count: null, weight: 9 }] });
    expect(publishProblems(pool, WINDOW).join()).toMatch(/超过法定最高奖 ¥50,000/);
    const ok = parse({ budgetFen: 10_000_000_000, prizes: [{ id: 'car', name: '汽车', kind: 'mallItem', item: 'car', costFen: 5_000_000, count: 1, weight: 1 }, { id: 'none', name: '谢谢参与', kind: 'none', costFen: 0, count: null, weight: 9 }] });
    expect(publishProblems(ok, WINDOW)).toEqual([]);
  });
  test('each missing art. 13 item is named', () => {
    const problems = publishProblems(parse({ notice: {} }), { from: null, to: null });
    for (const m of ['主办方', '联系方式', '兑奖时间', '交付方式', '弃奖条件', '开始与结束时间']) expect(problems.join()).toContain(m);
  });
  test('plays for sharing or following are refused (WeChat rules)', () => {
    const problems = publishProblems(parse({ entry: { points: 10, freePerDay: 0, sources: ['share', 'follow', 'scan'] } }), WINDOW);
    expect(problems).toEqual(expect.arrayContaining(['不得以分享获得抽奖机会（微信规则）', '不得以关注获得抽奖机会（微信规则）']));
  });
  test('Σ count × cost over the budget is refused', () => {
    const pool = parse({ budgetFen: 5_999 });
    expect(prizeCostFen(pool)).toBe(20 * 50 + 1000 * 5);
    expect(publishProblems(pool, WINDOW).join()).toMatch(/超过预算/);
    expect(publishProblems(parse({ budgetFen: 6_000 }), WINDOW)).toEqual([]);
  });
  test('九宫格 and 大转盘 show at most 8 prizes', () => {
    const prizes = Array.from({ length: 9 }, (_, i) => ({ id: `p${i}`, name: `${i} 积分`, kind: 'points', points: i + 1, costFen: 1, count: null, weight: 1 }));
    expect(publishProblems(parse({ game: 'grid9', prizes, fallback: 'p0' }), WINDOW)).toEqual(['九宫格最多 8 个奖项']);
    expect(publishProblems(parse({ game: 'scratch', prizes, fallback: 'p0' }), WINDOW)).toEqual([]);
  });
  test('odds mode needs an unlimited fallback; deck mode needs every count', () => {
    expect(publishProblems(parse({ fallback: 'p5' }), WINDOW).join()).toMatch(/替代奖品须不限数量/);
    expect(publishProblems(parse({ fallback: undefined }), WINDOW).join()).toMatch(/须指定/);
    expect(publishProblems(parse({ mode: 'deck' }), WINDOW).join()).toMatch(/奖券模式每个奖项须设数量/);
  });
});

test('the rules page carries every art. 13 item, generated from the pool', () => {
  const page = rulesPage(parse(), { name: '山野刮刮乐', window: WINDOW, caps: [{ period: 'day', unit: 'times', limit: 5 }], commit: commitOf(SEED) });
  expect(page.map((s) => s.title)).toEqual(['活动名称', '主办方及联系方式', '活动时间与开奖时间', '参与条件与方式', '奖项种类、奖品名称、价值与数量或概率', '开奖方式', '兑奖时间、条件和方式', '奖品交付方式', '弃奖条件']);
  const text = page.flatMap((s) => s.lines).join('\n');
  expect(text).toContain('50 积分【积分】：价值 ¥0.50，数量 20，中奖概率 10.00%');
  expect(text).toContain('每日最多 5 次');
  expect(text).toContain(commitOf(SEED));
  expect(text).not.toMatch(/undefined|null/);
});

describe('commit-reveal and the chain', () => {
  test('the roll is fixed by the seed and the member\'s key; the commitment binds the seed', () => {
    expect(rollOf(SEED, 'm', 'k')).toBe(rollOf(SEED, 'm', 'k'));
    expect(rollOf(SEED, 'm', 'k')).not.toBe(rollOf(SEED, 'm2', 'k'));
    expect(commitOf(SEED)).toBe(commitOf('a'.repeat(64)));
    expect(commitOf(SEED)).not.toBe(commitOf('b'.repeat(64)));
  });

  test('verifyLog accepts an honest log and names a changed prize, roll, dropped record or wrong seed', () => {
    const pool = parse({ shards: 1 });
    const records: any[] = [];
    let prev = GENESIS;
    for (let seq = 1; seq <= 30; seq++) {
      const key = `draw:p:m${seq}:key-${seq}`;
      const roll = rollOf(SEED, `m${seq}`, key);
      const prize = byOdds(pool, roll, () => true).prize.id;
      const r = { pool: 'p', shard: 0, seq, member: `m${seq}`, key, roll, prize, prev };
      prev = recordHash(r);
      records.push({ ...r, hash: prev });
    }
    const log = { pool: 'p', commit: commitOf(SEED), seed: SEED, rule: pool, records };
    expect(verifyLog(log)).toEqual({ ok: true, problems: [], checked: 30 });
    const changed = { ...log, records: records.map((r, i) => (i === 5 ? { ...r, prize: r.prize === 'none' ? 'p50' : 'none' } : r)) };
    expect(verifyLog(changed).ok).toBe(false);
    expect(verifyLog({ ...log, records: records.filter((_, i) => i !== 10) }).problems.join()).toMatch(/chain/);
    expect(verifyLog({ ...log, seed: 'b'.repeat(64) }).problems.join()).toMatch(/commit/);
  });
});
