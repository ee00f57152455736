// The mall's pure decisions: listing state, checkout deduction, addresses (stock shards: the counter's tests).
import { addressProblem, listingState, quoteDeduction } from '../../cloudfunctions/common/mall/rules';

const at = (s: string) => new Date(s);

describe('listing state is computed at read time', () => {
  const item = { visible: true, listAt: at('2026-11-22T10:00:00Z'), delistAt: at('2026-11-23T10:00:00Z') };
  test.each([
    ['2026-11-22T09:59:59Z', 'upcoming'],
    ['2026-11-22T10:00:00Z', 'onSale'],
    ['2026-11-23T09:59:59Z', 'onSale'],
    ['2026-11-23T10:00:00Z', 'delisted'],
  ])('at %s the item is %s', (now, state) => expect(listingState(item, at(now))).toBe(state));
  test('hidden wins over any window; no bounds means on sale', () => {
    expect(listingState({ ...item, visible: false }, at('2026-11-22T12:00:00Z'))).toBe('hidden');
    expect(listingState({ visible: true, listAt: null, delistAt: null }, new Date())).toBe('onSale');
  });
});

describe('checkout deduction', () => {
  const rules = { pointsPerYuan: 100, stepPoints: 100, maxSharePercent: 50 };
  test.each([
    // amountFen, available, maxPoints, maxDeductFen
    [2990, 5000, 1400, 1400], // 50% of ¥29.90 = ¥14.95 → 1495 points → 1400 in steps of 100
    [100_000, 5000, 5000, 5000], // limited by what the member has
    [100_000, 5050, 5000, 5000], // rounded down to the step
    [150, 5000, 0, 0], // the cap is below one step
    [10_000, 0, 0, 0],
  ])('order %i fen with %i available → %i points (%i fen)', (amountFen, available, maxPoints, maxDeductFen) => {
    expect(quoteDeduction(amountFen, available, rules)).toEqual({ maxPoints, maxDeductFen });
  });
  test('another rate and step', () => {
    expect(quoteDeduction(10_000, 100_000, { pointsPerYuan: 200, stepPoints: 500, maxSharePercent: 30 })).toEqual({ maxPoints: 6000, maxDeductFen: 3000 });
  });
});

describe('addresses', () => {
  const ok = { name: '林小雨', phone: '13800138000', province: '浙江省', city: '杭州市', district: '西湖区', detail: '龙井路 1 号' };
  test('a complete address passes', () => expect(addressProblem(ok)).toBeNull());
  test.each([{ phone: '12345' }, { phone: '23800138000' }, { name: '' }, { name: '<script>' }, { detail: '1号' }, { city: '' }])('%j is malformed', (bad) =>
    expect(addressProblem({ ...ok, ...bad })?.code).toBe('ADDRESS_INVALID'),
  );
  test.each([
    { province: '火星', city: 'abc', district: '😀' },
    { province: '浙江省', city: '杭州市', district: '南山区' }, // a district of another city
    { province: '浙江省', city: '深圳市', district: '南山区' },
    { province: '北京市', city: '上海市', district: '浦东新区' },
  ])('%j is not a division of China: ADDRESS_REGION_UNKNOWN', (bad) => expect(addressProblem({ ...ok, ...bad })?.code).toBe('ADDRESS_REGION_UNKNOWN'));
  test.each([
    ['a municipality as chooseAddress names it', { province: '北京市', city: '北京市', district: '东城区' }],
    ['a municipality in the registry spelling', { province: '北京市', city: '市辖区', district: '海淀区' }],
    ['重庆 counties', { province: '重庆市', city: '重庆市', district: '城口县' }],
    ['a county-level city under its province', { province: '湖北省', city: '仙桃市', district: '仙桃市' }],
    ['the same in the registry spelling', { province: '湖北省', city: '省直辖县级行政区划', district: '仙桃市' }],
    ['a city without districts', { province: '广东省', city: '东莞市', district: '莞城街道' }],
    ['Hong Kong', { province: '香港特别行政区', city: '九龙', district: '油尖旺区' }],
    ['spaces around names', { province: ' 浙江省', city: '杭州市 ', district: '西湖区' }],
  ])('%s is a division', (_why, good) => expect(addressProblem({ ...ok, ...good })).toBeNull());
  test.each([
    ['name', 21],
    ['detail', 121],
    ['district', 21],
  ] as const)('%s longer than its limit (%i characters) is TEXT_TOO_LONG, not cut', (field, n) =>
    expect(addressProblem({ ...ok, [field]: '山'.repeat(n) })).toEqual({ code: 'TEXT_TOO_LONG', message: `address.${field}: at most ${n - 1} characters` }),
  );
  test('an emoji counts as one character', () => {
    expect(addressProblem({ ...ok, name: '😀'.repeat(20) })).toBeNull();
    expect(addressProblem({ ...ok, name: '😀'.repeat(21) })?.code).toBe('TEXT_TOO_LONG');
  });
});

describe('order numbers (订单号)', () => {
  const { orderNoCandidates, orderNoOf } = require('../../cloudfunctions/common/mall/order-doc') as typeof import('../../cloudfunctions/common/mall/order-doc');
  test('the Shanghai day and six digits, never 000000 or past 999999', () => {
    // 2026-11-29T17:00Z is already the 30th in Shanghai.
    expect(orderNoCandidates(new Date('2026-11-29T17:00:00Z'), () => 0)).toEqual(['20261130-000001', '20261130-000001', '20261130-000001']);
    expect(orderNoCandidates(new Date('2026-11-29T08:00:00Z'), () => 0.999_999_9)[0]).toBe('20261129-999999');
    expect(orderNoCandidates(new Date('2026-11-29T08:00:00Z'), () => 0.000123)[0]).toBe('20261129-000123');
  });
  test('an order made before numbers shows one derived from its day and id, the same every time', () => {
    const legacy = { _id: 'oAbc123', createdAt: new Date('2026-11-20T02:00:00Z') };
    expect(orderNoOf(legacy)).toMatch(/^20261120-\d{6}$/);
    expect(orderNoOf(legacy)).toBe(orderNoOf({ ...legacy }));
    expect(orderNoOf({ ...legacy, no: '20261120-000042' })).toBe('20261120-000042');
  });
});
