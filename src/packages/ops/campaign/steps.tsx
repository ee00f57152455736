import { Text, View } from '@tarojs/components'
import type { DiffRow, SimFigures, Simulation } from '../../../services/ops-rules'
import { formatShanghaiDate } from '../../../utils/time'
import OpsTable, { type OpsColumn } from '../shell/OpsTable'

// What the publish steps show: the simulation side by side, and the draft-vs-published diff.

const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`
const pct = (r: number | null) => (r === null ? '—' : `${Math.round(r * 1000) / 10}%`)
const FACTS = { scan: '次扫码', signin: '次签到', order: '笔订单' } as const

interface Row {
  key: string
  label: string
  draft: string
  published: string
}

const daysToA = (f: SimFigures) => (f.budgetCap === null ? '未设预算' : f.daysToA === null ? '按此速度不会用完' : f.daysToA === 0 ? '已用完' : `约 ${f.daysToA} 天`)

function rowsOf(s: Simulation): Row[] {
  const p = s.published
  const line = (key: string, label: string, show: (f: SimFigures) => string): Row => ({ key, label, draft: show(s.draft), published: p ? show(p) : '未发布' })
  return [
    line('issued', '发放积分', f => `${f.issued}`),
    line('credits', '发放笔数', f => `${f.credits}`),
    line('receivers', '得分会员', f => `${f.receivers} 人`),
    line('liability', '负债（按发放时兑换比例）', f => yuan(f.liabilityFen)),
    line('c', 'C 核销率', f => pct(f.redemptionRate)),
    line('d', 'D 使用率', f => pct(f.usageRate)),
    line('a', 'A 预算', f => (f.budgetCap === null ? '未设预算' : `${f.budgetCap}`)),
    line('b', 'B 已发放', f => (f.budgetIssued === null ? '—' : `${f.budgetIssued}`)),
    line('daysToA', '距预算用完', daysToA)
  ]
}

/** One sentence an operator reads first. */
function reading(s: Simulation): string {
  const d = s.draft
  const p = s.published
  if (!s.facts) return '近 30 天没有可回放的记录，模拟结果均为 0。'
  if (!p) return `按草稿规则，近 30 天将发放 ${d.issued} 积分，负债 ${yuan(d.liabilityFen)}。`
  const diff = d.issued - p.issued
  const rel = p.issued ? `（${diff >= 0 ? '+' : ''}${Math.round((diff / p.issued) * 1000) / 10}%）` : ''
  const more = diff === 0 ? '与已发布版本发放相同' : diff > 0 ? `比已发布版本多发 ${diff} 积分${rel}` : `比已发布版本少发 ${-diff} 积分${rel}`
  const budget = d.budgetCap !== null && d.daysToA !== null ? `，预算约 ${d.daysToA} 天后用完` : ''
  return `按草稿规则，近 30 天${more}，负债 ${yuan(d.liabilityFen)}${budget}。`
}

export function SimulationView({ s }: { s: Simulation }) {
  const columns: OpsColumn<Row>[] = [
    { key: 'label', title: '指标', grow: 2 },
    { key: 'draft', title: `草稿（第 ${s.draft.version} 版）`, align: 'right' },
    { key: 'published', title: s.published ? `已发布（第 ${s.published.version} 版）` : '已发布', align: 'right' }
  ]
  return (
    <View className='ops-sim'>
      <Text className='ops-sim__reading ops-sim-reading'>{reading(s)}</Text>
      <Text className='ops-sim__basis'>
        回放 {formatShanghaiDate(s.from)} 至 {formatShanghaiDate(s.to)} 的 {s.facts} {FACTS[s.kind]}
        {s.truncated ? '（记录过多，只回放了最早的 10000 条）' : ''}；同期已核销 {s.spent} 积分。
      </Text>
      <OpsTable className='ops-sim-table' columns={columns} rows={rowsOf(s)} rowKey={r => r.key} empty='没有模拟结果' />
    </View>
  )
}

export function DiffView({ rows, publishedVersion, draftVersion }: { rows: DiffRow[]; publishedVersion: number | null; draftVersion: number | null }) {
  const columns: OpsColumn<DiffRow>[] = [
    { key: 'label', title: '字段' },
    { key: 'before', title: publishedVersion ? `已发布（第 ${publishedVersion} 版）` : '已发布', grow: 2 },
    { key: 'after', title: draftVersion ? `草稿（第 ${draftVersion} 版）` : '草稿', grow: 2 }
  ]
  return <OpsTable className='ops-diff-table' columns={columns} rows={rows} rowKey={r => r.field} empty={draftVersion ? '草稿与已发布版本相同' : '没有待发布的草稿'} />
}
