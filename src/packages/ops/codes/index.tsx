import { Input, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { useEffect, useState } from 'react'
import { Button, Loading } from '../../../components/nutui'
import { ErrorView, LoadingView } from '../../../components/StatusViews'
import { describeError } from '../../../services/errors'
import * as opsCodes from '../../../services/ops-codes'
import { formatShanghaiDate, shanghaiToday } from '../../../utils/time'
import OpsField from '../shell/OpsField'
import OpsFormEnd from '../shell/OpsFormEnd'
import OpsShell, { useOpsRole } from '../shell/OpsShell'
import OpsTable, { type OpsColumn } from '../shell/OpsTable'
import { FORM, type FieldErrors } from '../shell/forms'
import { batchProblems, numberOf, productProblems } from './forms'
import { formErrors, STATUS_LABEL } from './words'
import './index.scss'

// 运营后台 · 一物一码: products (trace data) and code batches — lists a page at a time, and the forms
// that create them. A new batch opens its page, which generates the codes with a progress bar.
export default function OpsCodesPage() {
  const [tab, setTab] = useState<'batches' | 'products'>('batches')
  return (
    <OpsShell active='codes' title='一物一码'>
      <View className='ops-codes'>
        <View className='ops-codes__tabs'>
          <Text className={`ops-chip ops-codes-tab-batches ${tab === 'batches' ? 'ops-chip--on' : ''}`} onClick={() => setTab('batches')}>
            码批次
          </Text>
          <Text className={`ops-chip ops-codes-tab-products ${tab === 'products' ? 'ops-chip--on' : ''}`} onClick={() => setTab('products')}>
            产品
          </Text>
        </View>
        {tab === 'batches' ? <Batches /> : <Products />}
      </View>
    </OpsShell>
  )
}

/** A list that grows a page at a time (opaque cursor). */
function usePages<T>(load: (cursor?: string) => Promise<opsCodes.Page<T>>) {
  const [items, setItems] = useState<T[]>([])
  const [next, setNext] = useState<string | null>(null)
  const [loading, setLoading] = useState(false)
  const [loaded, setLoaded] = useState(false)
  const [error, setError] = useState<unknown>(null)
  const fetchPage = async (cursor?: string) => {
    setLoading(true)
    setError(null)
    try {
      const page = await load(cursor)
      setItems(prev => (cursor ? [...prev, ...page.items] : page.items))
      setNext(page.nextCursor)
      setLoaded(true)
    } catch (e) {
      setError(e)
    } finally {
      setLoading(false)
    }
  }
  useEffect(() => {
    void fetchPage()
  }, [])
  return { items, next, loading, loaded, error, more: () => fetchPage(next ?? undefined), reload: () => fetchPage() }
}

function Footer({ list, noun }: { list: ReturnType<typeof usePages<any>>; noun: string }) {
  if (list.loading) return <Loading className='ops-codes-loading-more'>加载中…</Loading>
  if (list.error && list.loaded) {
    return (
      <View className='ops-codes__more-error'>
        <Text>{describeError(list.error)}</Text>
        <Button size='small' onClick={() => void list.more()}>
          重试
        </Button>
      </View>
    )
  }
  if (list.next) {
    return (
      <Button className='ops-codes-more' size='small' fill='outline' onClick={() => void list.more()}>
        加载更多{noun}
      </Button>
    )
  }
  return list.items.length ? <Text className='ops-codes__no-more'>没有更多了</Text> : null
}

function Batches() {
  const list = usePages(opsCodes.batches)
  const [creating, setCreating] = useState(false)
  const open = (b: opsCodes.Batch) => void Taro.navigateTo({ url: `/packages/ops/batch/index?id=${encodeURIComponent(b.batch)}` })
  const columns: OpsColumn<opsCodes.Batch>[] = [
    { key: 'batchNo', title: '批号', grow: 1.4, render: b => <Text className='ops-link ops-codes-batch-no'>{b.batchNo}</Text> },
    { key: 'productName', title: '产品', grow: 1.6, render: b => b.productName || '（产品已删除）' },
    { key: 'size', title: '数量', align: 'right', render: b => b.size.toLocaleString('zh-CN') },
    {
      key: 'status',
      title: '状态',
      render: b => (
        <Text className={`ops-codes__status ops-codes__status--${b.status}`}>
          {STATUS_LABEL[b.status]}
          {b.status === 'generating' ? ` ${b.percent}%` : ''}
        </Text>
      ),
    },
    { key: 'productionDate', title: '生产日期', render: b => b.productionDate },
    { key: 'createdAt', title: '创建日期', render: b => formatShanghaiDate(b.createdAt) },
  ]
  return (
    <View className='ops-codes-batches'>
      <View className='ops-codes__bar'>
        <Text className='ops-codes__count'>{list.loaded ? `已加载 ${list.items.length} 个批次` : ''}</Text>
        <CreateButton label='新建批次' className='ops-codes-new-batch' onClick={() => setCreating(c => !c)} />
      </View>
      {creating ? <BatchForm onCancel={() => setCreating(false)} /> : null}
      {!list.loaded && list.loading ? <LoadingView className='ops-codes-loading' rows={4} /> : null}
      {!list.loaded && list.error ? <ErrorView prefix='ops-codes' message={describeError(list.error)} onRetry={() => void list.reload()} /> : null}
      {list.loaded ? <OpsTable className='ops-codes-batch-table' columns={columns} rows={list.items} rowKey={b => b.batch} onRowClick={open} empty='还没有码批次，点「新建批次」开始' /> : null}
      <Footer list={list} noun='批次' />
    </View>
  )
}

function Products() {
  const list = usePages(opsCodes.products)
  const [creating, setCreating] = useState(false)
  const columns: OpsColumn<opsCodes.Product>[] = [
    { key: 'name', title: '名称', grow: 1.6 },
    { key: '_id', title: '编号', grow: 1.2 },
    { key: 'spec', title: '规格', render: p => p.spec || '—' },
    { key: 'origin', title: '产地', render: p => p.origin || '—' },
    { key: 'basePoints', title: '扫码积分', align: 'right', render: p => `${p.basePoints} 分` },
  ]
  return (
    <View className='ops-codes-products'>
      <View className='ops-codes__bar'>
        <Text className='ops-codes__count'>{list.loaded ? `已加载 ${list.items.length} 个产品` : ''}</Text>
        <CreateButton label='新建产品' className='ops-codes-new-product' onClick={() => setCreating(c => !c)} />
      </View>
      {creating ? (
        <ProductForm
          onDone={() => {
            setCreating(false)
            void list.reload()
          }}
        />
      ) : null}
      {!list.loaded && list.loading ? <LoadingView className='ops-codes-loading' rows={4} /> : null}
      {!list.loaded && list.error ? <ErrorView prefix='ops-codes' message={describeError(list.error)} onRetry={() => void list.reload()} /> : null}
      {list.loaded ? <OpsTable className='ops-codes-product-table' columns={columns} rows={list.items} rowKey={p => p._id} empty='还没有产品，点「新建产品」添加' /> : null}
      <Footer list={list} noun='产品' />
    </View>
  )
}

/** A create button a viewer sees disabled, with why. */
function CreateButton({ label, className, onClick }: { label: string; className: string; onClick: () => void }) {
  const { can } = useOpsRole()
  if (!can()) {
    return (
      <View className='ops-codes__readonly'>
        <Button size='small' disabled className={className}>
          {label}
        </Button>
        <Text className='ops-codes__readonly-hint'>只读</Text>
      </View>
    )
  }
  return (
    <Button size='small' type='primary' className={className} onClick={onClick}>
      {label}
    </Button>
  )
}

interface TextFieldProps {
  name: string
  label: string
  value: string
  error?: string
  required?: boolean
  hint?: string
  placeholder?: string
  type?: 'text' | 'number' | 'digit'
  onInput: (v: string) => void
}

function TextField({ name, label, value, error, required, hint, placeholder, type = 'text', onInput }: TextFieldProps) {
  return (
    <OpsField name={name} label={label} error={error} required={required} hint={hint}>
      <Input className={`ops-input ops-codes-input-${name}`} type={type} value={value} placeholder={placeholder} maxlength={600} onInput={e => onInput(e.detail.value)} />
    </OpsField>
  )
}

function ProductForm({ onDone }: { onDone: () => void }) {
  const [f, setF] = useState({ id: '', name: '', image: '', spec: '', origin: '', basePoints: '' })
  const [errors, setErrors] = useState<FieldErrors>({})
  const [saving, setSaving] = useState(false)
  const set = (k: keyof typeof f) => (v: string) => setF(prev => ({ ...prev, [k]: v }))
  const submit = async () => {
    const input = { ...f, basePoints: numberOf(f.basePoints) as number }
    const problems = productProblems(input)
    setErrors(problems)
    if (Object.keys(problems).length) return
    setSaving(true)
    try {
      await opsCodes.createProduct({ ...input, id: f.id.trim() })
      Taro.showToast({ title: '产品已创建', icon: 'success' })
      onDone()
    } catch (e) {
      setErrors(formErrors(e))
    } finally {
      setSaving(false)
    }
  }
  return (
    <View className='ops-card ops-codes-product-form'>
      <Text className='ops-card__title'>新建产品</Text>
      <TextField name='id' label='编号' required value={f.id} error={errors.id} onInput={set('id')} placeholder='如 anji-white' hint='英文字母、数字、_ 或 -，创建后不可修改' />
      <TextField name='name' label='名称' required value={f.name} error={errors.name} onInput={set('name')} placeholder='如 安吉白茶·明前特级' />
      <TextField name='spec' label='规格' value={f.spec} error={errors.spec} onInput={set('spec')} placeholder='如 250g 罐装' />
      <TextField name='origin' label='产地' value={f.origin} error={errors.origin} onInput={set('origin')} placeholder='如 浙江·湖州·安吉' />
      <TextField name='image' label='图片地址' value={f.image} error={errors.image} onInput={set('image')} placeholder='https:// 或 cloud:// 开头，可不填' />
      <TextField name='basePoints' label='扫码积分' required type='number' value={f.basePoints} error={errors.basePoints} onInput={set('basePoints')} placeholder='首次扫码获得的积分' hint='活动未另行规定时按此发放' />
      <OpsFormEnd name='codes-form' error={errors[FORM]}>
        <Button type='primary' size='small' className='ops-codes-save-product' loading={saving} disabled={saving} onClick={() => void submit()}>
          创建产品
        </Button>
      </OpsFormEnd>
    </View>
  )
}

function BatchForm({ onCancel }: { onCancel: () => void }) {
  const today = shanghaiToday()
  const [f, setF] = useState({ id: '', product: '', campaign: '', batchNo: '', productionDate: today, size: '' })
  const [errors, setErrors] = useState<FieldErrors>({})
  const [saving, setSaving] = useState(false)
  const [choices, setChoices] = useState<{ products: opsCodes.Product[]; campaigns: opsCodes.ScanCampaign[] } | null>(null)
  const [loadError, setLoadError] = useState<unknown>(null)
  const set = (k: keyof typeof f) => (v: string) => setF(prev => ({ ...prev, [k]: v }))

  const loadChoices = async () => {
    setLoadError(null)
    try {
      const [products, campaigns] = await Promise.all([opsCodes.products(), opsCodes.scanCampaigns()])
      setChoices({ products: products.items, campaigns: campaigns.items.filter(c => c.status !== 'ended') })
    } catch (e) {
      setLoadError(e)
    }
  }
  useEffect(() => {
    void loadChoices()
  }, [])

  const submit = async () => {
    const input = { ...f, size: numberOf(f.size) as number }
    const problems = batchProblems(input, today)
    setErrors(problems)
    if (Object.keys(problems).length) return
    setSaving(true)
    try {
      const b = await opsCodes.createBatch({
        id: f.id.trim(), product: f.product, ...(f.campaign ? { campaign: f.campaign } : {}), batchNo: f.batchNo.trim(), productionDate: f.productionDate.trim(), size: input.size,
      })
      // The batch's page generates its codes straight away.
      void Taro.navigateTo({ url: `/packages/ops/batch/index?id=${encodeURIComponent(b._id)}&generate=1` })
      onCancel()
    } catch (e) {
      setErrors(formErrors(e))
    } finally {
      setSaving(false)
    }
  }

  return (
    <View className='ops-card ops-codes-batch-form'>
      <Text className='ops-card__title'>新建码批次</Text>
      {loadError ? <ErrorView prefix='ops-codes-choices' message={describeError(loadError)} onRetry={() => void loadChoices()} /> : null}
      {!choices && !loadError ? <LoadingView className='ops-codes-choices-loading' rows={2} /> : null}
      {choices ? (
        <View>
          <OpsField name='product' label='产品' required error={errors.product} hint={choices.products.length ? '' : '请先在「产品」中新建产品'}>
            <View className='ops-codes__chips'>
              {choices.products.map(p => (
                <Text key={p._id} className={`ops-chip ops-codes-product-choice ${f.product === p._id ? 'ops-chip--on' : ''}`} data-id={p._id} onClick={() => set('product')(p._id)}>
                  {p.name}
                </Text>
              ))}
            </View>
          </OpsField>
          <OpsField name='campaign' label='扫码活动' error={errors.campaign} hint='不选则按产品的扫码积分发放'>
            <View className='ops-codes__chips'>
              <Text className={`ops-chip ops-codes-campaign-none ${!f.campaign ? 'ops-chip--on' : ''}`} onClick={() => set('campaign')('')}>
                不参加活动
              </Text>
              {choices.campaigns.map(c => (
                <Text key={c._id} className={`ops-chip ops-codes-campaign-choice ${f.campaign === c._id ? 'ops-chip--on' : ''}`} onClick={() => set('campaign')(c._id)}>
                  {c.name}
                  {c.status === 'draft' ? '（草稿）' : ''}
                </Text>
              ))}
            </View>
          </OpsField>
        </View>
      ) : null}
      <TextField name='id' label='批次编号' required value={f.id} error={errors.id} onInput={set('id')} placeholder='如 tea-2612-a' hint='英文字母、数字、_ 或 -，创建后不可修改' />
      <TextField name='batchNo' label='批号' required value={f.batchNo} error={errors.batchNo} onInput={set('batchNo')} placeholder='印在包装上的批号，如 AJ-2026-12-A' />
      <TextField name='productionDate' label='生产日期' required value={f.productionDate} error={errors.productionDate} onInput={set('productionDate')} placeholder='年-月-日，如 2026-12-01' />
      <TextField name='size' label='数量' required type='number' value={f.size} error={errors.size} onInput={set('size')} placeholder='1 到 1000000' hint='每个码对应一件商品；100 万个码约需 1 分钟生成' />
      <OpsFormEnd name='codes-form' error={errors[FORM]}>
        <Button type='primary' size='small' className='ops-codes-save-batch' loading={saving} disabled={saving} onClick={() => void submit()}>
          创建并生成
        </Button>
        <Button size='small' onClick={onCancel}>
          取消
        </Button>
      </OpsFormEnd>
    </View>
  )
}
