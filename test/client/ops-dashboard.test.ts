// 数据看板's pure parts: the server's readings of A/B/C/D and days to A, sources and uses, the CSV;
// the page's numbers, chart options and province tiles.
import { daysToA, dashboardCsv, foldPeriod, readIndicators, sourcesOf, usesOf } from '../../cloudfunctions/common/metrics/dashboard-figures'
import { PROVINCES } from '../../cloudfunctions/common/codes/regions'
import { dailyOption, formatCount, formatYuan, pieOption, PROVINCE_TILES, provinceTiles } from '../../src/packages/ops/dashboard/figures'

const base = { issued: 1000, receivers: 10, burnPerDay: 0, daysToA: null as number | null }

describe('readings of the four indicators', () => {
  test('where B stands against A', () => {
    expect(readIndicators({ ...base, A: null, B: 1000, C: 0.5, D: 0.3 })[0]).toBe('未设预算（无 A）：发放没有上限，请关注负债')
    expect(readIndicators({ ...base, A: 1000, B: 1000, C: 0.5, D: 0.3, daysToA: 0 })[0]).toBe('B 已达到 A：预算用完，新的发放会被拒绝')
    expect(readIndicators({ ...base, A: 1000, B: 950, C: 0.5, D: 0.3 })[0]).toBe('B 接近 A：预算将尽，需追加预算或收紧规则')
    expect(readIndicators({ ...base, A: 10_000, B: 1000, C: 0.5, D: 0.3 })[0]).toBe('A 远大于 B：预算充足，发放偏慢，可加大活动力度')
    expect(readIndicators({ ...base, A: 2000, B: 1000, C: 0.5, D: 0.3 })[0]).toBe('B 低于 A：预算在合理消耗中')
  })
  test('days to A at the current burn', () => {
    expect(daysToA(null, 10, 5)).toBeNull()
    expect(daysToA(100, 100, 5)).toBe(0)
    expect(daysToA(100, 10, 0)).toBeNull()
    expect(daysToA(100, 10, 7)).toBe(13)
    const r = readIndicators({ ...base, A: 2000, B: 1000, C: 0.5, D: 0.3, burnPerDay: 50, daysToA: 20 })
    expect(r[1]).toBe('按近7天日均发放 50 分，约 20 天后达到 A（即将用完）')
    expect(readIndicators({ ...base, A: 2000, B: 1000, C: 0.5, D: 0.3 })[1]).toBe('近7天没有发放，按当前速度不会用完预算')
    expect(readIndicators({ ...base, A: 2_000_000, B: 1000, C: 0.5, D: 0.3, burnPerDay: 4, daysToA: 499_750 })[1]).toBe('按近7天日均发放 4 分，一年内不会达到 A')
  })
  test('C and D low, high, between; nothing issued', () => {
    expect(readIndicators({ ...base, A: null, B: 1, C: 0.1, D: 0.1 }).slice(1)).toEqual([
      'C 偏低（10.0%）：积分发出后很少被兑换，负债在累积，可增加兑换渠道或提醒会员使用',
      'D 偏低（10.0%）：多数拿到积分的会员从未使用，需引导首次兑换'
    ])
    expect(readIndicators({ ...base, A: null, B: 1, C: 0.9, D: 0.6 }).slice(1)).toEqual(['C 很高（90.0%）：发出的积分大多已兑换，负债低', 'D 较高（60.0%）：多数会员在使用积分'])
    expect(readIndicators({ ...base, A: null, B: 0, C: 0, D: 0, issued: 0 }).slice(1)).toEqual(['尚未发放积分：C、D 暂无意义'])
  })
})

test('sources and uses group the source kinds; unknown kinds are 其他', () => {
  const kinds = [
    { kind: 'scan', issued: 10, spent: 0 },
    { kind: 'ops', issued: 5, spent: 3 },
    { kind: 'birthday', issued: 7, spent: 0 },
    { kind: 'mall', issued: 0, spent: 20, uses: 2 },
    { kind: 'checkout', issued: 0, spent: 4 }
  ]
  expect(sourcesOf(kinds).map((s) => [s.label, s.points])).toEqual([['扫码', 10], ['签到', 0], ['任务', 0], ['订单', 0], ['游戏', 0], ['手动发放', 5], ['其他', 7]])
  expect(usesOf(kinds, 9).map((s) => [s.label, s.points])).toEqual([['商城兑换', 20], ['门店抵扣', 4], ['游戏', 0], ['其他', 3], ['过期', 9]])
})

test('CSV: BOM, CRLF, Chinese headers, quoted cells, Shanghai time', () => {
  const day = { day: '2026-11-28', issued: 5, debtRepaid: 0, spent: 2, expired: 1, penalized: 0, reversed: 0, kinds: [], outstanding: 2, liabilityFen: 2 }
  const p = foldPeriod('d7', '近7天', '2026-11-22', '2026-11-28', [day], 3)
  const csv = dashboardCsv({
    generatedAt: new Date('2026-11-28T16:30:00Z'),
    closedThrough: '2026-11-28',
    periods: [p],
    campaigns: [{ campaign: 'x', name: '春季, "扫码"', status: 'published', statusLabel: '进行中', A: null, B: 5, C: 0.4, D: 0, issued: 5, spent: 2, expired: 1, outstanding: 2, liabilityFen: 2, rates: [], receivers: 0, spenders: 0, burnPerDay: 0, daysToA: null, readings: ['甲', '乙'] }],
    daily: [{ day: '2026-11-28', issued: 5, spent: 2, expired: 1, reversed: 0, active: null, outstanding: 2, liabilityFen: 250 }]
  })
  expect(csv.startsWith('\ufeff积分数据看板\r\n导出时间（北京时间）,2026-11-29 00:30\r\n')).toBe(true)
  expect(csv).toContain('指标,近7天（2026-11-22 至 2026-11-28）\r\n发放积分,5\r\n')
  expect(csv).toContain('"春季, ""扫码""",进行中,不设上限,5,40.0%,0.0%,2,0.02,0,—,甲；乙')
  expect(csv).toContain('2026-11-28,5,2,1,0,—,2,2.50')
})

describe('the page', () => {
  test('numbers', () => {
    expect(formatCount(12345)).toBe('12,345')
    expect(formatCount(1_234_567)).toBe('123.5万')
    expect(formatCount(null)).toBe('—')
    expect(formatYuan(123456)).toBe('¥1,234.56')
  })
  test('every province of the registry has one tile, no two tiles share a place', () => {
    expect(PROVINCE_TILES.map(([c]) => c).sort()).toEqual(PROVINCES.map((p) => p.code).sort())
    expect(new Set(PROVINCE_TILES.map(([, , r, c]) => `${r},${c}`)).size).toBe(PROVINCE_TILES.length)
  })
  test('tiles shade by scans; scans without a place are counted apart', () => {
    const p = { provinceScans: [{ province: '33', name: '浙江省', scans: 8, claims: 3 }, { province: '44', name: '广东省', scans: 2, claims: 2 }, { province: 'none', name: '未知地区', scans: 5, claims: 0 }] } as never
    const { tiles, unknown } = provinceTiles(p)
    expect(tiles.find((t) => t.code === '33')).toMatchObject({ name: '浙江', scans: 8, level: 4 })
    expect(tiles.find((t) => t.code === '44')).toMatchObject({ scans: 2, level: 1 })
    expect(tiles.find((t) => t.code === '11')).toMatchObject({ scans: 0, level: 0 })
    expect(unknown).toBe(5)
  })
  test('chart options: today last on the daily bars; empty slices left out of a donut', () => {
    const d = { daily: [{ day: '2026-11-28', issued: 5, spent: 2, expired: 1, reversed: 0, live: false }, { day: '2026-11-29', issued: 1, spent: 0, expired: 0, reversed: 0, live: true }] } as never
    const o = dailyOption(d) as any
    expect(o.xAxis.data).toEqual(['11-28', '今日'])
    expect(o.series.map((s: any) => s.name)).toEqual(['发放', '消耗', '过期'])
    expect((pieOption([{ key: 'a', label: '扫码', points: 3 }, { key: 'b', label: '签到', points: 0 }]) as any).series[0].data).toEqual([{ name: '扫码', value: 3 }])
  })
})
