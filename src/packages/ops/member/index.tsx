import { Input, Picker, Text, View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { useEffect, useRef, useState } from 'react'
import { Button } from '../../../components/nutui'
import EmptyState from '../../../components/EmptyState'
import { ErrorView, LoadingView } from '../../../components/StatusViews'
import { usePagedList } from '../../../hooks/usePagedList'
import { describeError, isCloudError } from '../../../services/errors'
import {
  applyCorrection,
  memberDetail,
  memberSection,
  previewCorrection,
  type Correction,
  type MemberDetail,
  type Preview,
  type Row,
  type Section
} from '../../../services/ops-members'
import { entryTypeLabel, formatDelta, SOURCE_KIND_LABEL, sourceLabel } from '../../../utils/points'
import { formatShanghaiDate, formatShanghaiDateTime } from '../../../utils/time'
import OpsField from '../shell/OpsField'
import OpsFormEnd from '../shell/OpsFormEnd'
import PagedFooter from '../shell/PagedFooter'
import OpsShell, { useOpsRole } from '../shell/OpsShell'
import OpsTable, { type OpsColumn } from '../shell/OpsTable'
import { FORM, fieldErrors, type FieldErrors } from '../shell/forms'
import { EffectView, newOpKey } from './effect'
import { DRAW_STATUS, GAME_LABEL, groupCode, orderStatus, RISK_EVENT_LABEL } from './words'
import './index.scss'

const MAX_ADJUST = 10_000_000
const MAX_PENALTY = 100_000_000

type Kind = 'add' | 'deduct' | 'penalty'
const KINDS: { value: Kind; label: string }[] = [
  { value: 'add', label: '增加积分' },
  { value: 'deduct', label: '扣减积分' },
  { value: 'penalty', label: '扣罚（不足部分记欠分）' }
]

/** The client's check of the correction form (the server checks the same and answers INVALID_FIELD). */
export function correctionProblems(kind: Kind, points: string, reason: string): FieldErrors {
  const out: FieldErrors = {}
  const field = kind === 'penalty' ? 'amount' : 'delta'
  const n = Number(points)
  if (!points.trim()) out[field] = '请填写积分'
  else if (!/^\d+$/.test(points.trim())) out[field] = '积分须为正整数'
  else if (n <= 0) out[field] = '积分须大于 0'
  else if (n > (kind === 'penalty' ? MAX_PENALTY : MAX_ADJUST)) out[field] = `积分不能超过 ${(kind === 'penalty' ? MAX_PENALTY : MAX_ADJUST).toLocaleString('en-US')}`
  if (!reason.trim()) out.reason = '请填写原因'
  else if ([...reason.trim()].length > 200) out.reason = '原因最多 200 个字'
  return out
}

const SECTIONS: { key: Section; label: string }[] = [
  { key: 'history', label: '积分明细' },
  { key: 'signins', label: '签到' },
  { key: 'draws', label: '抽奖' },
  { key: 'orders', label: '兑换订单' },
  { key: 'scans', label: '扫码' },
  { key: 'risk', label: '风险事件' }
]

/** Entries an operator may reverse here: earns, spends and adjusts of kinds no module owns. */
const OWNED = new Set(['scan', 'order', 'checkout', 'mall', 'closure'])
const reversible = (r: Row) => ['earn', 'spend', 'adjust'].includes(r.type) && !OWNED.has(r.kind)

// 运营后台 · 会员详情 (?openid=): the member's points (balance, held, debt, lots with expiry), tier,
// block and freezes; corrections with a confirmation that shows the effect first; and each record
// in its own section with paging.
export default function OpsMemberPage() {
  const openid = decodeURIComponent(useRouter().params.openid ?? '')
  return (
    <OpsShell active='members' title='会员详情'>
      {openid ? <Member openid={openid} /> : <NotFound />}
    </OpsShell>
  )
}

function NotFound() {
  return (
    <View className='ops-member-page ops-member-not-found'>
      <EmptyState description='没有找到这位会员' />
      <Button className='ops-member-back' size='small' onClick={() => void Taro.redirectTo({ url: '/packages/ops/members/index' })}>
        返回会员列表
      </Button>
    </View>
  )
}

function Member({ openid }: { openid: string }) {
  const [detail, setDetail] = useState<MemberDetail | null>(null)
  const [error, setError] = useState<unknown>(null)
  const [version, setVersion] = useState(0)
  useEffect(() => {
    let live = true
    setError(null)
    memberDetail(openid).then(
      d => live && setDetail(d),
      e => live && setError(e)
    )
    return () => {
      live = false
    }
  }, [openid, version])
  const reload = () => setVersion(v => v + 1)

  if (error && isCloudError(error) && error.code === 'NOT_FOUND') return <NotFound />
  if (error && !detail) return <ErrorView prefix='ops-member' message={describeError(error)} onRetry={reload} />
  if (!detail) return <LoadingView className='ops-member-loading' rows={6} />
  const p = detail.points
  return (
    <View className='ops-member-page'>
      <View className='ops-card ops-member-head'>
        <View className='ops-member-head__top'>
          <Text className='ops-member-head__name ops-member-name'>{detail.member.nickname}</Text>
          <Text className='ops-member-head__tier'>{detail.tier.name}</Text>
          {detail.earnBlock ? <Text className='ops-member-head__blocked ops-member-blocked'>已暂停获取积分</Text> : null}
        </View>
        <Text className='ops-member-head__meta'>
          {detail.member.phone || '未绑定手机号'} · {formatShanghaiDate(detail.member.createdAt)} 注册
        </Text>
        {detail.earnBlock ? (
          <Text className='ops-member-head__meta'>
            暂停原因：{detail.earnBlock.reason}（{formatShanghaiDateTime(detail.earnBlock.at)}，可在风控审核中恢复）
          </Text>
        ) : null}
      </View>

      {p ? (
        <View className='ops-card ops-member-figures'>
          {[
            ['余额', p.balance, 'balance'],
            ['可用', p.available, 'available'],
            ['冻结', p.held, 'held'],
            ['欠分', p.debt, 'debt'],
            ['累计获得', p.earned, 'earned'],
            ['累计使用', p.spent, 'spent'],
            ['累计过期', p.expired, 'expired'],
            ['累计扣罚', p.penalized, 'penalized']
          ].map(([label, value, key]) => (
            <View key={key as string} className={`ops-member-figure ops-member-figure-${key}`}>
              <Text className='ops-member-figure__value'>{value as number}</Text>
              <Text className='ops-member-figure__label'>{label as string}</Text>
            </View>
          ))}
        </View>
      ) : (
        <View className='ops-card'>
          <Text>该会员还没有积分账户</Text>
        </View>
      )}

      {p ? <CorrectionForm openid={openid} onDone={reload} /> : null}

      <View className='ops-card ops-member-lots'>
        <Text className='ops-card__title'>积分批次（按到期先后）</Text>
        <OpsTable
          className='ops-lots'
          rows={detail.lots}
          rowKey={l => l.id}
          empty='没有有效的积分'
          columns={[
            { key: 'remaining', title: '剩余', align: 'right', render: l => String(l.remaining) },
            { key: 'held', title: '其中冻结', align: 'right', render: l => String(l.held) },
            { key: 'amount', title: '发放', align: 'right', render: l => String(l.amount) },
            { key: 'lastValidDay', title: '有效期至', grow: 1.3, render: l => (l.expired ? `${l.lastValidDay}（已到期）` : l.lastValidDay) }
          ]}
        />
        {detail.lotCount > detail.lots.length ? <Text className='ops-member__hint'>仅显示最早到期的 {detail.lots.length} 批，共 {detail.lotCount} 批</Text> : null}
      </View>

      {detail.freezes.length ? (
        <View className='ops-card ops-member-freezes'>
          <Text className='ops-card__title'>冻结中的积分</Text>
          {detail.freezes.map(f => (
            <Text key={f.id} className='ops-member__line'>
              {f.amount} 积分 · {f.kind === 'ops' ? '风控冻结' : sourceLabel(f.kind)} · 到 {formatShanghaiDateTime(f.expiresAt)} 自动解冻
            </Text>
          ))}
        </View>
      ) : null}

      <Sections openid={openid} version={version} onChanged={reload} />
    </View>
  )
}

function CorrectionForm({ openid, onDone }: { openid: string; onDone: () => void }) {
  const { can } = useOpsRole()
  const writable = can()
  const [kind, setKind] = useState<Kind>('add')
  const [points, setPoints] = useState('')
  const [reason, setReason] = useState('')
  const [errors, setErrors] = useState<FieldErrors>({})
  const [confirm, setConfirm] = useState<{ correction: Correction; preview: Preview; key: string } | null>(null)
  const [busy, setBusy] = useState(false)
  const [done, setDone] = useState('')
  const field = kind === 'penalty' ? 'amount' : 'delta'

  const correction = (): Correction => {
    const n = Number(points.trim())
    return kind === 'penalty' ? { op: 'penalty', member: openid, amount: n } : { op: 'adjust', member: openid, delta: kind === 'add' ? n : -n }
  }
  const check = async () => {
    setDone('')
    const problems = correctionProblems(kind, points, reason)
    setErrors(problems)
    if (Object.keys(problems).length) return
    setBusy(true)
    try {
      const c = correction()
      setConfirm({ correction: c, preview: await previewCorrection(c), key: newOpKey() })
    } catch (e) {
      setErrors(fieldErrors(e))
    } finally {
      setBusy(false)
    }
  }
  const apply = async () => {
    if (!confirm) return
    setBusy(true)
    try {
      await applyCorrection(confirm.correction, reason.trim(), confirm.key)
      setConfirm(null)
      setPoints('')
      setReason('')
      setDone('已完成，积分已更新')
      onDone()
    } catch (e) {
      setConfirm(null)
      setErrors(fieldErrors(e))
    } finally {
      setBusy(false)
    }
  }

  return (
    <View className='ops-card ops-correction'>
      <Text className='ops-card__title'>积分调整</Text>
      {!writable ? <Text className='ops-member__hint ops-readonly'>只读：你的角色不能调整积分</Text> : null}
      <OpsField label='类型' name='kind'>
        <Picker mode='selector' disabled={!writable} range={KINDS.map(k => k.label)} value={KINDS.findIndex(k => k.value === kind)} onChange={e => setKind(KINDS[Number(e.detail.value)].value)}>
          <View className='ops-pick ops-correction-kind'>{KINDS.find(k => k.value === kind)?.label}</View>
        </Picker>
      </OpsField>
      <OpsField label='积分' name={field} required error={errors[field]}>
        <Input className='ops-input ops-correction-points' type='number' disabled={!writable} placeholder='正整数' value={points} onInput={e => setPoints(e.detail.value)} />
      </OpsField>
      <OpsField label='原因' name='reason' required error={errors.reason} hint='会员在积分明细中看到这条原因'>
        <Input className='ops-input ops-correction-reason' disabled={!writable} maxlength={200} placeholder='如：客服补偿、虚假订单扣回' value={reason} onInput={e => setReason(e.detail.value)} />
      </OpsField>
      {errors[FORM] ? <Text className='ops-notice ops-notice--error ops-correction-error'>{errors[FORM]}</Text> : null}
      {done ? <Text className='ops-notice ops-correction-done'>{done}</Text> : null}
      {confirm ? (
        <View className='ops-confirm ops-correction-confirm'>
          <Text className='ops-confirm__title'>
            确认{kind === 'add' ? '增加' : kind === 'deduct' ? '扣减' : '扣罚'} {points.trim()} 积分？执行后：
          </Text>
          <EffectView preview={confirm.preview} />
          <Text className='ops-member__hint'>原因：{reason.trim()}</Text>
          <View className='ops-actions'>
            <Button className='ops-correction-apply' size='small' type='primary' loading={busy} onClick={() => void apply()}>
              确认执行
            </Button>
            <Button className='ops-correction-cancel' size='small' onClick={() => setConfirm(null)}>
              取消
            </Button>
          </View>
        </View>
      ) : (
        <Button className='ops-correction-preview' size='small' type='primary' disabled={!writable} loading={busy} onClick={() => void check()}>
          预览效果
        </Button>
      )}
    </View>
  )
}

function Sections({ openid, version, onChanged }: { openid: string; version: number; onChanged: () => void }) {
  const [section, setSection] = useState<Section>('history')
  const [kind, setKind] = useState('')
  const [from, setFrom] = useState('')
  const [to, setTo] = useState('')
  const q = useRef({ section, kind, from, to })
  q.current = { section, kind, from, to }
  const list = usePagedList<Row>(cursor =>
    memberSection({ openid, section: q.current.section, cursor, kinds: q.current.kind ? [q.current.kind] : undefined, from: q.current.from || undefined, to: q.current.to || undefined })
  )
  useEffect(() => {
    void list.reload()
  }, [section, kind, from, to, version])
  const badRange = !!from && !!to && from > to
  const kinds = [{ value: '', label: '全部来源' }, ...Object.entries(SOURCE_KIND_LABEL).map(([value, label]) => ({ value, label }))]

  return (
    <View className='ops-card ops-member-sections'>
      <View className='ops-member-tabs'>
        {SECTIONS.map(s => (
          <Text key={s.key} className={`ops-member-tab ops-member-tab-${s.key} ${s.key === section ? 'ops-member-tab--active' : ''}`} onClick={() => setSection(s.key)}>
            {s.label}
          </Text>
        ))}
      </View>
      <View className='ops-member-filters'>
        {section === 'history' ? (
          <Picker mode='selector' range={kinds.map(k => k.label)} value={Math.max(0, kinds.findIndex(k => k.value === kind))} onChange={e => setKind(kinds[Number(e.detail.value)].value)}>
            <View className='ops-pick ops-history-kind'>{kinds.find(k => k.value === kind)?.label}</View>
          </Picker>
        ) : null}
        <Picker mode='date' value={from} onChange={e => setFrom(e.detail.value)}>
          <View className='ops-pick ops-history-from'>{from ? `从 ${from}` : '开始日期'}</View>
        </Picker>
        <Picker mode='date' value={to} onChange={e => setTo(e.detail.value)}>
          <View className='ops-pick ops-history-to'>{to ? `至 ${to}` : '结束日期'}</View>
        </Picker>
        {kind || from || to ? (
          <Text
            className='ops-member__link'
            onClick={() => {
              setKind('')
              setFrom('')
              setTo('')
            }}
          >
            清除筛选
          </Text>
        ) : null}
      </View>
      {badRange ? <Text className='ops-notice ops-notice--error'>结束日期不能早于开始日期</Text> : null}
      {!list.loaded && list.loading ? <LoadingView className='ops-section-loading' rows={3} /> : null}
      {!list.loaded && list.error ? <ErrorView prefix='ops-section' message={describeError(list.error)} onRetry={() => void list.reload()} /> : null}
      {list.loaded ? <SectionTable section={section} rows={list.items} onChanged={onChanged} /> : null}
      <PagedFooter list={list} moreClassName='ops-section-more' />
    </View>
  )
}

const when = (r: Row) => (r.createdAt ? formatShanghaiDateTime(r.createdAt) : '—')

function SectionTable({ section, rows, onChanged }: { section: Section; rows: Row[]; onChanged: () => void }) {
  const [reversing, setReversing] = useState<Row | null>(null)
  const { can } = useOpsRole()
  const columns: Record<Section, OpsColumn<Row>[]> = {
    history: [
      { key: 'createdAt', title: '时间', grow: 1.3, render: when },
      { key: 'type', title: '类型', render: r => entryTypeLabel(r.type) },
      { key: 'kind', title: '来源', render: r => sourceLabel(r.kind) },
      { key: 'delta', title: '积分', align: 'right', render: r => <Text className={r.delta < 0 ? 'ops-minus' : 'ops-plus'}>{formatDelta(r.delta)}</Text> },
      { key: 'balanceAfter', title: '余额', align: 'right', render: r => String(r.balanceAfter) },
      { key: 'reason', title: '说明', grow: 1.6, render: r => r.reason || '—' },
      {
        key: 'act',
        title: '操作',
        render: r =>
          reversible(r) && can() ? (
            <Text className='ops-member__link ops-reverse' onClick={() => setReversing(r)}>
              撤销
            </Text>
          ) : (
            '—'
          )
      }
    ],
    signins: [
      { key: 'createdAt', title: '时间', grow: 1.3, render: when },
      { key: 'delta', title: '积分', align: 'right', render: r => formatDelta(r.delta) },
      { key: 'reason', title: '说明', grow: 2, render: r => r.reason || '签到' }
    ],
    draws: [
      { key: 'createdAt', title: '时间', grow: 1.3, render: when },
      { key: 'game', title: '玩法', render: r => GAME_LABEL[r.game] ?? '游戏' },
      { key: 'cost', title: '花费', align: 'right', render: r => (r.paid === 'points' ? `${r.cost} 积分` : '免费') },
      { key: 'prize', title: '结果', grow: 1.4, render: r => r.prize || '—' },
      { key: 'status', title: '状态', render: r => DRAW_STATUS[r.status] ?? '处理中' }
    ],
    orders: [
      { key: 'createdAt', title: '时间', grow: 1.3, render: when },
      { key: 'title', title: '商品', grow: 1.6, render: r => `${r.title} × ${r.quantity}` },
      { key: 'points', title: '积分', align: 'right', render: r => String(r.points) },
      { key: 'status', title: '状态', render: r => orderStatus(r.status) }
    ],
    scans: [
      { key: 'createdAt', title: '领取时间', grow: 1.3, render: when },
      { key: 'id', title: '防伪码', grow: 1.8, render: r => groupCode(r.id) },
      { key: 'points', title: '积分', align: 'right', render: r => String(r.points) },
      { key: 'scans', title: '被扫次数', align: 'right', render: r => String(r.scans) },
      { key: 'scanners', title: '扫码人数', align: 'right', render: r => String(r.scanners) }
    ],
    risk: [
      { key: 'createdAt', title: '时间', grow: 1.3, render: when },
      { key: 'kind', title: '类型', render: r => RISK_EVENT_LABEL[r.kind] ?? '风险' },
      { key: 'code', title: '防伪码', grow: 1.8, render: r => groupCode(r.code) || '—' },
      { key: 'provinceName', title: '地区', render: r => r.provinceName || '—' }
    ]
  }
  return (
    <View>
      <OpsTable className={`ops-section ops-section-${section}`} columns={columns[section]} rows={rows} rowKey={r => r.id} empty='暂无记录' />
      {reversing ? <ReverseConfirm row={reversing} onClose={() => setReversing(null)} onDone={onChanged} /> : null}
    </View>
  )
}

function ReverseConfirm({ row, onClose, onDone }: { row: Row; onClose: () => void; onDone: () => void }) {
  const [preview, setPreview] = useState<Preview | null>(null)
  const [reason, setReason] = useState('')
  const [errors, setErrors] = useState<FieldErrors>({})
  const [busy, setBusy] = useState(false)
  useEffect(() => {
    previewCorrection({ op: 'reverse', entry: row.id }).then(setPreview, e => setErrors(fieldErrors(e)))
  }, [row.id])
  const apply = async () => {
    if (!reason.trim()) return setErrors({ reason: '请填写原因' })
    setBusy(true)
    try {
      await applyCorrection({ op: 'reverse', entry: row.id }, reason.trim(), '')
      onClose()
      onDone()
    } catch (e) {
      setErrors(fieldErrors(e))
    } finally {
      setBusy(false)
    }
  }
  return (
    <View className='ops-confirm ops-reverse-confirm'>
      <Text className='ops-confirm__title'>
        撤销 {formatShanghaiDateTime(row.createdAt)} 的{entryTypeLabel(row.type)} {formatDelta(row.delta)} 积分？执行后：
      </Text>
      {preview ? <EffectView preview={preview} /> : errors[FORM] ? null : <LoadingView className='ops-reverse-loading' rows={2} />}
      <OpsField label='原因' name='reason' required error={errors.reason}>
        <Input className='ops-input ops-reverse-reason' maxlength={200} placeholder='如：误操作' value={reason} onInput={e => setReason(e.detail.value)} />
      </OpsField>
      <OpsFormEnd name='reverse' error={errors[FORM]}>
        <Button className='ops-reverse-apply' size='small' type='primary' disabled={!preview} loading={busy} onClick={() => void apply()}>
          确认撤销
        </Button>
        <Button className='ops-reverse-cancel' size='small' onClick={onClose}>
          取消
        </Button>
      </OpsFormEnd>
    </View>
  )
}
