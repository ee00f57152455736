import { Input, Picker, Text, View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { useEffect, useRef, useState } from 'react'
import { Button } from '../../../components/nutui'
import { ErrorView, LoadingView } from '../../../components/StatusViews'
import { usePagedList } from '../../../hooks/usePagedList'
import { describeError } from '../../../services/errors'
import {
  memberSection,
  riskAct,
  riskCase,
  riskPreview,
  riskQueue,
  refreshRiskQueue,
  type CaseAction,
  type CaseKind,
  type CaseStatus,
  type CaseSummary,
  type Preview,
  type RiskAct,
  type RiskCase,
  type Row
} from '../../../services/ops-members'
import { formatDelta, sourceLabel } from '../../../utils/points'
import { formatShanghaiDateTime } from '../../../utils/time'
import { EffectView } from '../member/effect'
import { CASE_KIND_LABEL, CASE_STATUS_LABEL, groupCode } from '../member/words'
import OpsField from '../shell/OpsField'
import OpsFormEnd from '../shell/OpsFormEnd'
import OpsShell, { useOpsRole } from '../shell/OpsShell'
import OpsTable, { type OpsColumn } from '../shell/OpsTable'
import { FORM, fieldErrors, type FieldErrors } from '../shell/forms'
import { shortId } from '../shell/words'
import './index.scss'

const KIND_TABS: { value: '' | CaseKind; label: string }[] = [{ value: '', label: '全部' }, ...(Object.entries(CASE_KIND_LABEL) as [CaseKind, string][]).map(([value, label]) => ({ value, label }))]
const STATUSES: { value: '' | CaseStatus; label: string }[] = [
  { value: 'open', label: '待处理' },
  { value: 'actioned', label: '已处理' },
  { value: 'dismissed', label: '已忽略' },
  { value: '', label: '全部状态' }
]

const ACTION_LABEL: Record<CaseAction['action'], string> = {
  freeze: '冻结积分',
  unfreeze: '解冻积分',
  clawBack: '追回积分',
  restore: '退回追回的积分',
  block: '暂停获取积分',
  unblock: '恢复获取积分',
  voidCode: '作废防伪码',
  unvoidCode: '恢复防伪码',
  voidBatch: '作废批次',
  dismiss: '忽略',
  reopen: '重新打开'
}

/** What a case is about, in words. */
export function subjectOf(c: Pick<CaseSummary, 'kind' | 'code' | 'batchNo' | 'provinceName' | 'memberName' | 'member' | 'day'>): string {
  if (c.kind === 'counterfeit') return `防伪码 ${groupCode(c.code)}`
  if (c.kind === 'diversion') return `批次 ${c.batchNo || '—'} 流入${c.provinceName || '其他地区'}`
  return `${c.memberName || shortId(c.member)} · ${c.day}`
}

// 运营后台 · 风控审核: the queue of cases built from stored facts, by kind and status; a case with its
// evidence and the actions, each confirmed with a note (and, for ledger actions, the effect first).
export default function OpsRiskPage() {
  return (
    <OpsShell active='risk' title='风控审核'>
      <Risk />
    </OpsShell>
  )
}

function Risk() {
  const [kind, setKind] = useState<'' | CaseKind>('')
  const [status, setStatus] = useState<'' | CaseStatus>('open')
  const [open, setOpen] = useState<string | null>(decodeURIComponent(useRouter().params.case ?? '') || null)
  const [counts, setCounts] = useState<Partial<Record<CaseKind, number>>>({})
  const [refreshedAt, setRefreshedAt] = useState<string | null>(null)
  const [refreshing, setRefreshing] = useState(false)
  const { can } = useOpsRole()
  const f = useRef({ kind, status })
  f.current = { kind, status }
  const list = usePagedList<CaseSummary>(async cursor => {
    const page = await riskQueue({ kind: f.current.kind || undefined, status: f.current.status || undefined, cursor })
    setCounts(page.open)
    setRefreshedAt(page.refreshedAt)
    return page
  })
  // The queue is built by the jobs tick every 5 minutes; an operator may bring it up to date now.
  const refresh = async () => {
    if (refreshing) return
    setRefreshing(true)
    try {
      const r = await refreshRiskQueue()
      void Taro.showToast({ title: r.created ? `新增 ${r.created} 个风控事件` : '已是最新', icon: 'none' })
      void list.reload()
    } catch (err) {
      void Taro.showToast({ title: describeError(err), icon: 'none' })
    } finally {
      setRefreshing(false)
    }
  }
  useEffect(() => {
    void list.reload()
  }, [kind, status])

  const columns: OpsColumn<CaseSummary>[] = [
    { key: 'kind', title: '类型', render: c => <Text className={`ops-risk-kind ops-risk-kind--${c.kind}`}>{CASE_KIND_LABEL[c.kind]}</Text> },
    { key: 'subject', title: '对象', grow: 2, render: subjectOf },
    { key: 'facts', title: '证据', align: 'right', render: c => `${c.facts} 条` },
    { key: 'members', title: '涉及会员', align: 'right', render: c => `${c.members} 人` },
    { key: 'lastAt', title: '最近发生', grow: 1.3, render: c => formatShanghaiDateTime(c.lastAt) },
    { key: 'status', title: '状态', render: c => CASE_STATUS_LABEL[c.status] }
  ]

  return (
    <View className='ops-risk'>
      <View className='ops-card ops-risk__filters'>
        <View className='ops-risk__tabs'>
          {KIND_TABS.map(t => (
            <Text key={t.value || 'all'} className={`ops-risk__tab ops-risk-tab-${t.value || 'all'} ${t.value === kind ? 'ops-risk__tab--active' : ''}`} onClick={() => setKind(t.value)}>
              {t.label}
              {t.value && counts[t.value] ? <Text className='ops-risk__count'>{counts[t.value]}</Text> : null}
            </Text>
          ))}
        </View>
        <Picker mode='selector' range={STATUSES.map(s => s.label)} value={STATUSES.findIndex(s => s.value === status)} onChange={e => setStatus(STATUSES[Number(e.detail.value)].value)}>
          <View className='ops-pick ops-risk-status'>{STATUSES.find(s => s.value === status)?.label}</View>
        </Picker>
        <View className='ops-risk__fresh'>
          <Text className='ops-risk-fresh'>{refreshedAt ? `更新于 ${formatShanghaiDateTime(refreshedAt)} · 每 5 分钟自动更新` : '尚未生成 · 每 5 分钟自动更新'}</Text>
          {can() ? (
            <Button className='ops-risk-refresh' size='small' loading={refreshing} onClick={() => void refresh()}>
              立即更新
            </Button>
          ) : null}
        </View>
      </View>

      {!list.loaded && list.loading ? <LoadingView className='ops-risk-loading' rows={5} /> : null}
      {!list.loaded && list.error ? <ErrorView prefix='ops-risk' message={describeError(list.error)} onRetry={() => void list.reload()} /> : null}
      {list.loaded ? (
        <OpsTable className='ops-risk-queue' columns={columns} rows={list.items} rowKey={c => c.id} onRowClick={c => setOpen(o => (o === c.id ? null : c.id))} empty='没有符合条件的风控事件' />
      ) : null}
      {list.loaded && list.nextCursor ? (
        <View className='ops-risk__more'>
          <Button className='ops-risk-more' size='small' loading={list.loading} onClick={() => void list.loadMore()}>
            加载更多
          </Button>
        </View>
      ) : null}

      {open ? <CaseView id={open} onChanged={() => void list.reload()} /> : null}
    </View>
  )
}

type Pending = { act: RiskAct; title: string; warn?: string; preview?: () => Promise<Preview> }

function CaseView({ id, onChanged }: { id: string; onChanged: () => void }) {
  const [c, setC] = useState<RiskCase | null>(null)
  const [error, setError] = useState<unknown>(null)
  const [pending, setPending] = useState<Pending | null>(null)
  const [version, setVersion] = useState(0)
  const { can } = useOpsRole()
  const writable = can()
  useEffect(() => {
    let live = true
    setError(null)
    riskCase(id).then(
      x => {
        if (!live) return
        // On a phone the case opens below the queue: bring it into view the first time.
        if (!c || c._id !== x._id) setTimeout(() => void Taro.pageScrollTo({ selector: '.ops-risk-case', duration: 200 }).catch(() => {}), 50)
        setC(x)
      },
      e => live && setError(e)
    )
    return () => {
      live = false
    }
  }, [id, version])
  if (error) return <ErrorView prefix='ops-risk-case' message={describeError(error)} onRetry={() => setVersion(v => v + 1)} />
  if (!c || c._id !== id) return <LoadingView className='ops-risk-case-loading' rows={4} />
  const name = (m: string) => c.names[m] || shortId(m)
  const done = (a: CaseAction['action'], ref?: string) => c.actions.some(x => x.action === a && (ref === undefined || x.ref === ref))
  const blocked = (m: string) => {
    const last = [...c.actions].reverse().find(x => (x.action === 'block' || x.action === 'unblock') && x.member === m)
    return last?.action === 'block'
  }
  const voided = (code: string) => {
    const last = [...c.actions].reverse().find(x => (x.action === 'voidCode' || x.action === 'unvoidCode') && x.ref === code)
    return last?.action === 'voidCode'
  }
  const codeButton = (code: string) =>
    !code || c.kind === 'bruteforce' ? (
      '—'
    ) : voided(code) ? (
      <Button className='ops-risk-unvoid-code' size='small' onClick={() => ask({ act: { action: 'riskUnvoidCode', code }, title: `恢复防伪码 ${groupCode(code)}` })}>
        恢复此码
      </Button>
    ) : (
      <Button className='ops-risk-void-code' size='small' onClick={() => ask({ act: { action: 'riskVoidCode', code }, title: `作废防伪码 ${groupCode(code)}（扫码提示“该码已作废”，可恢复）` })}>
        作废此码
      </Button>
    )
  const claimant = c.kind === 'counterfeit' ? c.evidence.find(e => e.id.startsWith('claim:'))?.member : undefined
  const ask = (p: Pending) => writable && setPending(p)

  return (
    <View className='ops-card ops-risk-case'>
      <View className='ops-risk-case__head'>
        <Text className='ops-card__title'>
          {CASE_KIND_LABEL[c.kind]} · {subjectOf({ ...c, batchNo: c.batches[c.batch] ?? '', provinceName: c.provinces[c.province] ?? '', memberName: name(c.member) })}
        </Text>
        <Text className={`ops-risk-case__status ops-risk-case-status ops-risk-case__status--${c.status}`}>{CASE_STATUS_LABEL[c.status]}</Text>
      </View>
      <Text className='ops-risk__line'>{explain(c)}</Text>

      <Text className='ops-risk__sub'>证据（共 {c.facts} 条）</Text>
      <OpsTable
        className='ops-risk-evidence'
        rows={c.evidence}
        rowKey={e => e.id}
        empty='没有证据'
        columns={[
          { key: 'at', title: '时间', grow: 1.3, render: e => formatShanghaiDateTime(e.at) },
          { key: 'what', title: '事实', grow: 1.2, render: e => factLabel(c.kind, e.id) },
          { key: 'member', title: '会员', render: e => (e.member ? name(e.member) : '—') },
          { key: 'code', title: '防伪码', grow: 1.6, render: e => groupCode(e.code) || '—' },
          { key: 'province', title: '地区', render: e => (e.province ? c.provinces[e.province] || '—' : '—') },
          { key: 'figure', title: '数值', align: 'right', render: e => figureText(c.kind, e.figure, e.norm) },
          ...(writable && c.kind === 'diversion' ? [{ key: 'act', title: '操作', render: (e: RiskCase['evidence'][number]) => codeButton(e.code) }] : [])
        ]}
      />

      <Text className='ops-risk__sub'>处理</Text>
      {!writable ? <Text className='ops-risk__line ops-readonly'>只读：你的角色不能处理风控事件</Text> : null}
      <View className='ops-risk-members'>
        {c.members.map(m => (
          <View key={m} className='ops-risk-member'>
            <Text className='ops-risk-member__name'>
              {name(m)}
              {m === claimant ? '（领取人）' : ''}
            </Text>
            <View className='ops-risk-member__buttons'>
              <Button className='ops-risk-freeze' size='small' disabled={!writable} onClick={() => ask({ act: { action: 'riskFreeze', member: m }, title: `冻结 ${name(m)} 的全部可用积分（最长 7 天，到期自动解冻）`, preview: () => riskPreview({ op: 'freeze', member: m }) })}>
                冻结积分
              </Button>
              {blocked(m) ? (
                <Button className='ops-risk-unblock' size='small' disabled={!writable} onClick={() => ask({ act: { action: 'riskUnblock', member: m }, title: `恢复 ${name(m)} 获取积分` })}>
                  恢复获取积分
                </Button>
              ) : (
                <Button className='ops-risk-block' size='small' disabled={!writable} onClick={() => ask({ act: { action: 'riskBlock', member: m }, title: `暂停 ${name(m)} 获取积分（扫码、签到、任务都不再得积分，可随时恢复）` })}>
                  暂停获取积分
                </Button>
              )}
              {m === claimant && !done('clawBack', `scan:${c.code}`) ? (
                <Button className='ops-risk-clawback' size='small' disabled={!writable} onClick={() => ask({ act: { action: 'riskClawBack', entry: `scan:${c.code}` }, title: `追回 ${name(m)} 扫这枚码得到的积分（已用掉的部分记为欠分）`, preview: () => riskPreview({ op: 'clawBack', entry: `scan:${c.code}` }) })}>
                  追回扫码积分
                </Button>
              ) : null}
              <Text className='ops-risk__link ops-risk-open-member' onClick={() => void Taro.navigateTo({ url: `/packages/ops/member/index?openid=${encodeURIComponent(m)}` })}>
                查看会员
              </Text>
            </View>
          </View>
        ))}
      </View>
      {c.member && c.day ? <DayEarnings c={c} writable={writable} ask={ask} /> : null}
      <View className='ops-actions'>
        {c.kind === 'counterfeit' && writable ? <View className='ops-risk-case__code'>{codeButton(c.code)}</View> : null}
        {c.batch && !done('voidBatch') ? (
          <Button className='ops-risk-void' size='small' disabled={!writable} onClick={() => ask({ act: { action: 'riskVoidBatch', batch: c.batch }, title: `作废批次 ${c.batches[c.batch] ?? ''} 的全部防伪码`, warn: '作废后该批次的码扫描时都提示“该码已作废”，不可恢复。' })}>
            作废批次
          </Button>
        ) : null}
        {c.status === 'dismissed' ? (
          <Button className='ops-risk-reopen' size='small' disabled={!writable} onClick={() => ask({ act: { action: 'riskReopen' }, title: '重新打开这个风控事件' })}>
            重新打开
          </Button>
        ) : (
          <Button className='ops-risk-dismiss' size='small' disabled={!writable} onClick={() => ask({ act: { action: 'riskDismiss' }, title: '忽略这个风控事件（核实无问题）' })}>
            忽略
          </Button>
        )}
      </View>

      {pending ? (
        <Confirm
          caseId={c._id}
          pending={pending}
          onClose={() => setPending(null)}
          onDone={next => {
            setPending(null)
            setC({ ...c, ...next, names: c.names, provinces: c.provinces, batches: c.batches })
            setVersion(v => v + 1)
            onChanged()
          }}
        />
      ) : null}

      <Text className='ops-risk__sub'>处理记录</Text>
      {c.actions.length === 0 ? <Text className='ops-risk__line'>还没有处理</Text> : null}
      {c.actions.map((a, i) => (
        <View key={i} className='ops-risk-action'>
          <Text className='ops-risk__line'>
            {formatShanghaiDateTime(a.at)} · {a.by ? name(a.by) : '系统'} · {ACTION_LABEL[a.action]}
            {a.member ? ` · ${name(a.member)}` : ''}
            {a.amount ? ` · ${a.amount} 积分` : ''}
            {a.note ? ` · ${a.note}` : ''}
          </Text>
          {a.action === 'freeze' && a.ref && !done('unfreeze', a.ref) ? (
            <Text className='ops-risk__link ops-risk-unfreeze' onClick={() => ask({ act: { action: 'riskUnfreeze', hold: a.ref! }, title: `解冻 ${a.amount} 积分` })}>
              解冻
            </Text>
          ) : null}
          {a.action === 'clawBack' && a.ref && !done('restore', a.ref) ? (
            <Text className='ops-risk__link ops-risk-restore' onClick={() => ask({ act: { action: 'riskRestore', entry: a.ref! }, title: `退回追回的 ${a.amount} 积分（先偿还欠分）` })}>
              退回
            </Text>
          ) : null}
        </View>
      ))}
    </View>
  )
}

function explain(c: RiskCase): string {
  switch (c.kind) {
    case 'counterfeit':
      return '这枚码被领取人以外的人扫过，或扫码次数超过阈值：可能是码被复制印在假货上。'
    case 'diversion':
      return '按批次划定销售区域的码，在区域外被扫：可能是窜货。'
    case 'bruteforce':
      return '同一会员短时间内多次输入校验失败的码，被锁定：可能在猜码。'
    case 'velocity':
      return '该会员当天获得的积分远超平均水平（近 14 天每位获得积分的会员日均的 10 倍，至少 1000）。'
    default:
      return '该会员当天抽奖次数异常多。'
  }
}

function factLabel(kind: CaseKind, id: string): string {
  if (id.startsWith('claim:')) return '领取该码'
  if (kind === 'counterfeit') return '扫他人已领取或多次被扫的码'
  if (kind === 'diversion') return '区域外扫码'
  if (kind === 'bruteforce') return '校验失败被锁定'
  if (kind === 'velocity') return '当日获得积分'
  return '当日抽奖'
}

function figureText(kind: CaseKind, figure: number, norm: number): string {
  if (kind === 'counterfeit') return figure ? `被扫 ${figure} 次` : '—'
  if (kind === 'velocity') return `${figure} 积分（阈值 ${norm}）`
  if (kind === 'draws') return `${figure} 次（阈值 ${norm}）`
  return '—'
}

/** The member's earns on the case's day, each with 追回 (velocity, draws, brute force). */
function DayEarnings({ c, writable, ask }: { c: RiskCase; writable: boolean; ask: (p: Pending) => void }) {
  const [rows, setRows] = useState<Row[] | null>(null)
  useEffect(() => {
    memberSection({ openid: c.member, section: 'history', from: c.day, to: c.day }).then(
      page => setRows(page.items.filter(r => r.delta > 0 && (r.type === 'earn' || r.type === 'adjust'))),
      () => setRows([])
    )
  }, [c.member, c.day, c.actions.length])
  if (!rows) return null
  return (
    <View className='ops-risk-earnings'>
      <Text className='ops-risk__sub'>当日获得的积分</Text>
      {rows.length === 0 ? <Text className='ops-risk__line'>当天没有获得积分</Text> : null}
      {rows.map(r => (
        <View key={r.id} className='ops-risk-earning'>
          <Text className='ops-risk__line'>
            {formatShanghaiDateTime(r.createdAt)} · {sourceLabel(r.kind)} · {formatDelta(r.delta)} · {r.reason || '—'}
          </Text>
          {c.actions.some(a => a.action === 'clawBack' && a.ref === r.id) ? (
            <Text className='ops-risk__line'>已追回</Text>
          ) : ['order', 'checkout', 'mall'].includes(r.kind) ? null : (
            <Text
              className='ops-risk__link ops-risk-clawback-entry'
              onClick={() => writable && ask({ act: { action: 'riskClawBack', entry: r.id }, title: `追回这笔 ${r.delta} 积分（已用掉的部分记为欠分）`, preview: () => riskPreview({ op: 'clawBack', entry: r.id }) })}
            >
              追回
            </Text>
          )}
        </View>
      ))}
    </View>
  )
}

function Confirm({ caseId, pending, onClose, onDone }: { caseId: string; pending: Pending; onClose: () => void; onDone: (c: RiskCase) => void }) {
  const [preview, setPreview] = useState<Preview | null>(null)
  const [note, setNote] = useState('')
  const [errors, setErrors] = useState<FieldErrors>({})
  const [busy, setBusy] = useState(false)
  useEffect(() => {
    if (pending.preview) pending.preview().then(setPreview, e => setErrors(fieldErrors(e)))
  }, [pending])
  const apply = async () => {
    if (!note.trim()) return setErrors({ note: '请填写备注' })
    if ([...note.trim()].length > 200) return setErrors({ note: '备注最多 200 个字' })
    setBusy(true)
    try {
      const r = await riskAct(caseId, pending.act, note.trim())
      onDone(r.case)
    } catch (e) {
      setErrors(fieldErrors(e))
    } finally {
      setBusy(false)
    }
  }
  const waiting = !!pending.preview && !preview && !errors[FORM]
  return (
    <View className='ops-confirm ops-risk-confirm'>
      <Text className='ops-confirm__title'>确认：{pending.title}</Text>
      {pending.warn ? <Text className='ops-risk__warn'>{pending.warn}</Text> : null}
      {preview ? <EffectView preview={preview} /> : waiting ? <LoadingView className='ops-risk-preview-loading' rows={2} /> : null}
      <OpsField label='备注' name='note' required error={errors.note} hint='记录在处理记录和操作日志中'>
        <Input className='ops-input ops-risk-note' maxlength={200} placeholder='如：核实为假冒，已联系经销商' value={note} onInput={e => setNote(e.detail.value)} />
      </OpsField>
      <OpsFormEnd name='risk-confirm' error={errors[FORM]}>
        <Button className='ops-risk-apply' size='small' type='primary' disabled={waiting} loading={busy} onClick={() => void apply()}>
          确认
        </Button>
        <Button className='ops-risk-cancel' size='small' onClick={onClose}>
          取消
        </Button>
      </OpsFormEnd>
    </View>
  )
}
