import { Input, Text, View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { useEffect, useMemo, useState } from 'react'
import { Button } from '../../../components/nutui'
import EmptyState from '../../../components/EmptyState'
import { ErrorView, LoadingView } from '../../../components/StatusViews'
import { describeError, isCloudError } from '../../../services/errors'
import * as opsCodes from '../../../services/ops-codes'
import { formatShanghaiDateTime, shanghaiToday } from '../../../utils/time'
import OpsField from '../shell/OpsField'
import OpsFormEnd from '../shell/OpsFormEnd'
import OpsShell, { useOpsRole } from '../shell/OpsShell'
import { FORM, type FieldErrors } from '../shell/forms'
import { MAX_EXPORT, numberOf, rangeProblems, regionProblems } from '../codes/forms'
import { formErrors, STATUS_LABEL } from '../codes/words'
import { chartBars, CHART_DAYS } from './chart'
import { useGeneration } from './useGeneration'
import './index.scss'

// 运营后台 · 批次详情 (?id=): generate the codes with a live progress bar (a million codes take a few
// `generate` calls; `progress` moves the bar in between), sales regions by province, activate, void
// (confirmed), export CSV / PDF and download it, and the batch's scans per day.
export default function OpsBatchPage() {
  const { params } = useRouter()
  const id = decodeURIComponent(params.id ?? '')
  return (
    <OpsShell active='codes' title='批次详情'>
      {id ? <Batch id={id} autoGenerate={params.generate === '1'} /> : <Missing text='没有指定批次，请从批次列表进入' className='ops-batch-missing' />}
    </OpsShell>
  )
}

function Batch({ id, autoGenerate }: { id: string; autoGenerate: boolean }) {
  const { can } = useOpsRole()
  const writer = can()
  const [batch, setBatch] = useState<opsCodes.Batch | null>(null)
  const [error, setError] = useState<unknown>(null)
  const load = async () => {
    setError(null)
    try {
      setBatch(await opsCodes.batch(id))
    } catch (e) {
      setError(e)
    }
  }
  const gen = useGeneration(id, () => void load())
  useEffect(() => {
    void load().then(() => undefined)
  }, [id])
  // Straight from 新建批次: start writing the codes.
  useEffect(() => {
    if (autoGenerate && writer && batch?.status === 'generating' && !gen.running && !gen.progress) void gen.start()
  }, [batch?.status])

  if (error && !batch) {
    const notFound = isCloudError(error) && error.code === 'NOT_FOUND'
    return notFound ? (
      <Missing text='批次不存在，可能编号有误' className='ops-batch-not-found' />
    ) : (
      <ErrorView prefix='ops-batch' message={describeError(error)} onRetry={() => void load()} />
    )
  }
  if (!batch) return <LoadingView className='ops-batch-loading' rows={6} />

  // While the codes are being written the writer's answers are newer than the loaded batch.
  const progress = batch.status === 'generating' && gen.progress ? gen.progress : batch
  const status = progress.status
  return (
    <View className='ops-batch' data-status={status}>
      <View className='ops-card ops-batch-summary'>
        <View className='ops-batch__head'>
          <Text className='ops-card__title'>批号 {batch.batchNo}</Text>
          <Text className={`ops-batch__status ops-batch__status--${status} ops-batch-status`}>{STATUS_LABEL[status]}</Text>
        </View>
        <View className='ops-batch__facts'>
          <Fact label='产品' value={batch.productName || '（产品已删除）'} />
          <Fact label='数量' value={`${batch.size.toLocaleString('zh-CN')} 个码`} />
          <Fact label='生产日期' value={batch.productionDate} />
          <Fact label='创建时间' value={formatShanghaiDateTime(batch.createdAt)} />
          {batch.activatedAt ? <Fact label='激活时间' value={formatShanghaiDateTime(batch.activatedAt)} /> : null}
          {batch.voidedAt ? <Fact label='作废时间' value={formatShanghaiDateTime(batch.voidedAt)} /> : null}
        </View>
      </View>

      <View className='ops-card ops-batch-generate'>
        <Text className='ops-card__title'>生成码</Text>
        <View className='ops-batch__bar'>
          <View className='ops-batch__bar-fill ops-batch-bar-fill' style={{ width: `${progress.percent}%` }} />
        </View>
        <Text className='ops-batch__bar-text ops-batch-percent'>
          {progress.percent}% · 已生成 {progress.generated.toLocaleString('zh-CN')} / {progress.size.toLocaleString('zh-CN')}
        </Text>
        {status === 'generating' ? (
          <View className='ops-batch__row'>
            {writer ? (
              <Button type='primary' size='small' className='ops-batch-generate-start' loading={gen.running} disabled={gen.running} onClick={() => void gen.start()}>
                {gen.running ? '正在生成…' : progress.generated > 0 ? '继续生成' : '开始生成'}
              </Button>
            ) : (
              <ReadOnly label='开始生成' />
            )}
            <Text className='ops-batch__hint'>{gen.running ? '请停留在本页；离开后暂停，回来可继续' : '生成完成后才能激活和导出'}</Text>
          </View>
        ) : (
          <Text className='ops-batch__hint ops-batch-generated'>全部 {batch.size.toLocaleString('zh-CN')} 个码已生成</Text>
        )}
        {gen.progress?.busy ? <Text className='ops-batch__hint'>另一个窗口正在生成，本页同步显示进度</Text> : null}
        {gen.error ? <Text className='ops-notice ops-notice--error ops-batch-generate-error'>{describeError(gen.error)}</Text> : null}
      </View>

      <Regions batch={batch} writer={writer} onSaved={setBatch} />
      <StatusActions batch={{ ...batch, status }} writer={writer} onChanged={() => void load()} />
      <Export batch={{ ...batch, status }} writer={writer} />
      <Stats id={id} />
    </View>
  )
}

/** Nothing to show here: say so, with the way back to the batch list. */
function Missing({ text, className }: { text: string; className: string }) {
  return (
    <View className={className}>
      <EmptyState description={text} />
      <View className='ops-batch__back'>
        <Button size='small' className='ops-batch-back' onClick={() => void Taro.redirectTo({ url: '/packages/ops/codes/index' })}>
          返回批次列表
        </Button>
      </View>
    </View>
  )
}

function Fact({ label, value }: { label: string; value: string }) {
  return (
    <View className='ops-batch__fact'>
      <Text className='ops-batch__fact-label'>{label}</Text>
      <Text className='ops-batch__fact-value'>{value}</Text>
    </View>
  )
}

function ReadOnly({ label }: { label: string }) {
  return (
    <View className='ops-batch__readonly'>
      <Button size='small' disabled>
        {label}
      </Button>
      <Text className='ops-batch__hint'>只读</Text>
    </View>
  )
}

function Regions({ batch, writer, onSaved }: { batch: opsCodes.Batch; writer: boolean; onSaved: (b: opsCodes.Batch) => void }) {
  const [provinces, setProvinces] = useState<opsCodes.Province[] | null>(null)
  const [loadError, setLoadError] = useState<unknown>(null)
  const [chosen, setChosen] = useState<string[]>([])
  const [from, setFrom] = useState('')
  const [to, setTo] = useState('')
  const [errors, setErrors] = useState<FieldErrors>({})
  const [saving, setSaving] = useState(false)
  const [notice, setNotice] = useState('')
  const loadProvinces = async () => {
    setLoadError(null)
    try {
      setProvinces((await opsCodes.provinces()).provinces)
    } catch (e) {
      setLoadError(e)
    }
  }
  useEffect(() => {
    void loadProvinces()
  }, [])
  const names = useMemo(() => new Map((provinces ?? []).map(p => [p.code, p.name])), [provinces])
  const toggle = (code: string) => setChosen(c => (c.includes(code) ? c.filter(x => x !== code) : [...c, code]))

  const save = async () => {
    const range = { from: numberOf(from), to: numberOf(to) }
    const problems = regionProblems({ provinces: chosen, ...range }, batch.size, new Set(names.keys()))
    setErrors(problems)
    setNotice('')
    if (Object.keys(problems).length) return
    setSaving(true)
    try {
      const saved = await opsCodes.assignRegion(batch.batch, chosen, range.from === undefined ? {} : (range as opsCodes.Range))
      onSaved({ ...batch, regions: saved.regions })
      setChosen([])
      setFrom('')
      setTo('')
      setNotice('销售区域已保存')
    } catch (e) {
      setErrors(formErrors(e))
    } finally {
      setSaving(false)
    }
  }

  const rangeText = (r: opsCodes.RegionRange) => (r.from === 0 && r.to === batch.size - 1 ? '整批' : `序号 ${r.from}–${r.to}`)
  return (
    <View className='ops-card ops-batch-regions'>
      <Text className='ops-card__title'>销售区域（防窜货）</Text>
      {batch.regions.length ? (
        <View className='ops-batch__regions'>
          {batch.regions.map((r, i) => (
            <Text key={i} className='ops-batch__region ops-batch-region'>
              {rangeText(r)}：{r.provinces.map(p => names.get(p) ?? '未知省份').join('、')}
            </Text>
          ))}
          <Text className='ops-batch__hint'>序号范围重叠时，后设置的生效。区域外扫码记为窜货。</Text>
        </View>
      ) : (
        <Text className='ops-batch__hint ops-batch-no-region'>未设置：全国均可销售</Text>
      )}
      {batch.status === 'void' ? null : !writer ? (
        <ReadOnly label='设置销售区域' />
      ) : (
        <View className='ops-batch__region-form'>
          {loadError ? <ErrorView prefix='ops-batch-provinces' message={describeError(loadError)} onRetry={() => void loadProvinces()} /> : null}
          {provinces ? (
            <OpsField name='provinces' label='省份' required error={errors.provinces} hint={chosen.length ? `已选 ${chosen.length} 个` : '可多选'}>
              <View className='ops-batch__provinces'>
                {provinces.map(p => (
                  <Text key={p.code} className={`ops-chip ops-batch-province ops-batch-province-${p.code} ${chosen.includes(p.code) ? 'ops-chip--on' : ''}`} onClick={() => toggle(p.code)}>
                    {p.name.replace(/(省|市|自治区|壮族自治区|回族自治区|维吾尔自治区|特别行政区)$/, '')}
                  </Text>
                ))}
              </View>
            </OpsField>
          ) : !loadError ? (
            <LoadingView className='ops-batch-provinces-loading' rows={2} />
          ) : null}
          <OpsField name='from' label='起始序号' error={errors.from} hint={`不填起止序号则设置整批（0–${batch.size - 1}）`}>
            <Input className='ops-input ops-batch-region-from' type='number' value={from} placeholder='如 0' onInput={e => setFrom(e.detail.value)} />
          </OpsField>
          <OpsField name='to' label='结束序号' error={errors.to}>
            <Input className='ops-input ops-batch-region-to' type='number' value={to} placeholder={`如 ${batch.size - 1}`} onInput={e => setTo(e.detail.value)} />
          </OpsField>
          <OpsFormEnd name='batch-region' error={errors[FORM]} notice={notice}>
            <Button type='primary' size='small' className='ops-batch-region-save' loading={saving} disabled={saving} onClick={() => void save()}>
              保存销售区域
            </Button>
          </OpsFormEnd>
        </View>
      )}
    </View>
  )
}

function StatusActions({ batch, writer, onChanged }: { batch: opsCodes.Batch; writer: boolean; onChanged: () => void }) {
  const [busy, setBusy] = useState('')
  const [error, setError] = useState('')
  const run = async (what: 'activate' | 'void') => {
    if (what === 'void') {
      const { confirm } = await Taro.showModal({
        title: '作废整个批次？',
        content: `作废后批号 ${batch.batchNo} 的 ${batch.size.toLocaleString('zh-CN')} 个码扫码均提示“此码已作废”，且不可恢复。`,
        confirmText: '确认作废',
        confirmColor: '#fa2c19',
        cancelText: '取消',
      })
      if (!confirm) return
    }
    setBusy(what)
    setError('')
    try {
      await (what === 'activate' ? opsCodes.activate(batch.batch) : opsCodes.voidBatch(batch.batch))
      Taro.showToast({ title: what === 'activate' ? '已激活' : '已作废', icon: 'success' })
      onChanged()
    } catch (e) {
      setError(describeError(e))
    } finally {
      setBusy('')
    }
  }
  if (batch.status === 'void') {
    return (
      <View className='ops-card ops-batch-state'>
        <Text className='ops-card__title'>状态</Text>
        <Text className='ops-batch__hint'>本批次已作废，扫码不再计分。</Text>
      </View>
    )
  }
  return (
    <View className='ops-card ops-batch-state'>
      <Text className='ops-card__title'>激活与作废</Text>
      <Text className='ops-batch__hint'>
        {batch.status === 'active' ? '已激活：消费者扫码可获得积分。' : batch.status === 'ready' ? '码已生成：贴标上市后激活，扫码才计分。' : '全部码生成后才能激活。'}
      </Text>
      {writer ? (
        <View className='ops-batch__row'>
          {batch.status !== 'active' ? (
            <Button type='primary' size='small' className='ops-batch-activate' disabled={batch.status !== 'ready' || !!busy} loading={busy === 'activate'} onClick={() => void run('activate')}>
              激活批次
            </Button>
          ) : null}
          <Button size='small' className='ops-batch-void' disabled={!!busy} loading={busy === 'void'} onClick={() => void run('void')}>
            作废批次
          </Button>
        </View>
      ) : (
        <ReadOnly label='激活批次' />
      )}
      {error ? <Text className='ops-notice ops-notice--error ops-batch-state-error'>{error}</Text> : null}
    </View>
  )
}

function Export({ batch, writer }: { batch: opsCodes.Batch; writer: boolean }) {
  const [format, setFormat] = useState<'csv' | 'pdf'>('csv')
  const [from, setFrom] = useState('')
  const [to, setTo] = useState('')
  const [errors, setErrors] = useState<FieldErrors>({})
  const [busy, setBusy] = useState(false)
  const [done, setDone] = useState<{ result: opsCodes.ExportResult; how: string; url: string } | null>(null)

  const run = async () => {
    const range = { from: numberOf(from), to: numberOf(to) }
    const problems = rangeProblems(range, batch.size, MAX_EXPORT[format])
    setErrors(problems)
    setDone(null)
    if (Object.keys(problems).length) return
    setBusy(true)
    try {
      const result = await opsCodes.exportBatch(batch.batch, format, range.from === undefined ? {} : (range as opsCodes.Range))
      const delivered = await opsCodes.deliverExport(result)
      if (delivered.how === 'link' && delivered.url) await Taro.setClipboardData({ data: delivered.url })
      setDone({ result, ...delivered })
    } catch (e) {
      setErrors(formErrors(e))
    } finally {
      setBusy(false)
    }
  }

  const ready = batch.status !== 'generating'
  return (
    <View className='ops-card ops-batch-export'>
      <Text className='ops-card__title'>导出印刷文件</Text>
      {!ready ? (
        <Text className='ops-batch__hint'>全部码生成后才能导出。</Text>
      ) : batch.status === 'void' ? (
        <Text className='ops-batch__hint ops-batch-export-void'>本批次已作废，不再导出印刷文件。</Text>
      ) : !writer ? (
        <ReadOnly label='导出' />
      ) : (
        <View>
          <OpsField name='format' label='格式' error={errors.format} hint={format === 'csv' ? `表格：序号、码、印刷码、链接，每次最多 ${MAX_EXPORT.csv.toLocaleString('zh-CN')} 个` : `A4 二维码标签（每页 24 个），每次最多 ${MAX_EXPORT.pdf.toLocaleString('zh-CN')} 个`}>
            <View className='ops-codes__chips'>
              <Text className={`ops-chip ops-batch-format-csv ${format === 'csv' ? 'ops-chip--on' : ''}`} onClick={() => setFormat('csv')}>
                CSV 表格
              </Text>
              <Text className={`ops-chip ops-batch-format-pdf ${format === 'pdf' ? 'ops-chip--on' : ''}`} onClick={() => setFormat('pdf')}>
                PDF 标签
              </Text>
            </View>
          </OpsField>
          <OpsField name='from' label='起始序号' error={errors.from} hint='不填则导出整批'>
            <Input className='ops-input ops-batch-export-from' type='number' value={from} placeholder='如 0' onInput={e => setFrom(e.detail.value)} />
          </OpsField>
          <OpsField name='to' label='结束序号' error={errors.to}>
            <Input className='ops-input ops-batch-export-to' type='number' value={to} placeholder={`如 ${Math.min(batch.size, MAX_EXPORT[format]) - 1}`} onInput={e => setTo(e.detail.value)} />
          </OpsField>
          <OpsFormEnd name='batch-export' error={errors[FORM]}>
            <Button type='primary' size='small' className='ops-batch-export-run' loading={busy} disabled={busy} onClick={() => void run()}>
              导出并下载
            </Button>
          </OpsFormEnd>
          {done ? (
            <View className='ops-form-end ops-batch__done ops-batch-export-done'>
              <Text>
                已导出 {done.result.count.toLocaleString('zh-CN')} 个码（{(done.result.bytes / 1024).toFixed(1)} KB）
                {done.how === 'opened' ? '，已打开文件，可转发或打印' : done.how === 'link' ? '，下载链接已复制，请在电脑浏览器中打开' : '，已开始下载'}
              </Text>
              {done.how === 'downloaded' ? (
                <Text className='ops-link ops-batch-export-again' onClick={() => void opsCodes.deliverExport(done.result)}>
                  重新下载
                </Text>
              ) : null}
            </View>
          ) : null}
        </View>
      )}
    </View>
  )
}

function Stats({ id }: { id: string }) {
  const [days, setDays] = useState<opsCodes.DayStats[] | null>(null)
  const [error, setError] = useState<unknown>(null)
  const load = async () => {
    setError(null)
    try {
      setDays((await opsCodes.stats(id)).days)
    } catch (e) {
      setError(e)
    }
  }
  useEffect(() => {
    void load()
  }, [id])
  const chart = useMemo(() => (days ? chartBars(days, shanghaiToday()) : null), [days])
  return (
    <View className='ops-card ops-batch-stats'>
      <Text className='ops-card__title'>扫码统计（近 {CHART_DAYS} 天）</Text>
      {error ? <ErrorView prefix='ops-batch-stats' message={describeError(error)} onRetry={() => void load()} /> : null}
      {!chart && !error ? <LoadingView className='ops-batch-stats-loading' rows={2} /> : null}
      {chart ? (
        <View>
          <View className='ops-batch__totals'>
            <Fact label='扫码次数' value={String(chart.total.scans)} />
            <Fact label='首次领取' value={String(chart.total.claims)} />
            <Fact label='发放积分' value={String(chart.total.points)} />
          </View>
          {chart.max === 0 ? (
            <Text className='ops-batch__hint ops-batch-stats-empty'>近 {CHART_DAYS} 天还没有扫码</Text>
          ) : (
            <View className='ops-batch__chart ops-batch-chart'>
              {chart.bars.map((b, i) => (
                <View key={b.day} className='ops-batch__col' data-day={b.day} data-scans={b.scans}>
                  <Text className='ops-batch__col-value'>{b.scans || ''}</Text>
                  <View className='ops-batch__col-track'>
                    <View className='ops-batch__col-bar' style={{ height: `${b.height}%` }}>
                      <View className='ops-batch__col-claims' style={{ height: `${b.claimShare}%` }} />
                    </View>
                  </View>
                  <Text className={`ops-batch__col-label ${i === chart.bars.length - 1 ? 'ops-batch__col-label--last' : ''}`}>{i % 5 === 4 ? b.label : ''}</Text>
                </View>
              ))}
            </View>
          )}
          {chart.max ? (
            <View className='ops-batch__legend'>
              <Text className='ops-batch__legend-claims'>■ 首次领取</Text>
              <Text className='ops-batch__legend-scans'>■ 其他扫码（重复查询等）</Text>
            </View>
          ) : null}
        </View>
      ) : null}
    </View>
  )
}
