import { Input, Picker, Switch, Text, Textarea, View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { useEffect, useState, type ReactNode } from 'react'
import CloudImage from '../../../components/CloudImage'
import MallCard from '../../../components/MallCard'
import { Button } from '../../../components/nutui'
import { LoadFailedView, LoadingView } from '../../../components/StatusViews'
import { describeError } from '../../../services/errors'
import * as mall from '../../../services/mall'
import * as ops from '../../../services/ops-mall'
import * as tiers from '../../../services/tiers'
import OpsField from '../shell/OpsField'
import OpsShell, { useOpsRole } from '../shell/OpsShell'
import { fieldErrors, FORM } from '../shell/forms'
import { changedFields, checkDraft, draftOf, EMPTY_DRAFT, previewState, type Draft, type Errors } from './form'
import './index.scss'

const KINDS: mall.ItemKind[] = ['physical', 'coupon', 'cardCode', 'redPacket']
const isVirtual = (k: mall.ItemKind) => k === 'coupon' || k === 'cardCode'

// 运营后台 · 商品编辑 (?id=; none = a new item): every field of the item with its message next to it
// (checked here and again by the server, which answers INVALID_FIELD for one field), pictures
// uploaded through the server (which reads their kind from their bytes), stock, card codes for
// virtual items, and beside the form the card and detail exactly as a shopper will see them.
export default function OpsItemPage() {
  const params = useRouter().params
  const id = params.id ? decodeURIComponent(params.id) : ''
  return (
    <OpsShell active='items' title={id ? '编辑商品' : '新建商品'}>
      <Editor id={id} created={params.created === '1'} />
    </OpsShell>
  )
}

function Editor({ id, created }: { id: string; created: boolean }) {
  const { can } = useOpsRole()
  const readOnly = !can('operator')
  const [item, setItem] = useState<ops.AdminItem | null>(null)
  const [loadError, setLoadError] = useState<unknown>(null)
  const [draft, setDraft] = useState<Draft>(EMPTY_DRAFT)
  const [errors, setErrors] = useState<Errors>({})
  const [notice, setNotice] = useState(created ? '已创建' : '')
  const [saving, setSaving] = useState(false)
  const [uploading, setUploading] = useState(false)
  const [tierList, setTierList] = useState<{ level: string; name: string }[]>([])
  const [now, setNow] = useState(Date.now())
  // Card codes (virtual items) and more stock (others): their own actions, applied at once.
  const [codesText, setCodesText] = useState('')
  const [stockAdd, setStockAdd] = useState('')
  const [sideBusy, setSideBusy] = useState('')

  const load = async () => {
    setLoadError(null)
    try {
      const r = await ops.adminItem(id)
      setItem(r.item)
      setDraft(draftOf(r.item))
    } catch (e) {
      setLoadError(e)
    }
  }
  useEffect(() => {
    if (id) void load()
    tiers.mine().then(
      t => setTierList(t.tiers.map(x => ({ level: x.level, name: x.name }))),
      () => setTierList([])
    )
    const timer = setInterval(() => setNow(Date.now()), 1000)
    return () => clearInterval(timer)
  }, [id])

  if (id && loadError) {
    return (
      <LoadFailedView
        prefix='ops-item'
        error={loadError}
        onRetry={() => void load()}
        notFound={{ message: '没有找到这件商品', backText: '返回商品管理', onBack: () => void Taro.redirectTo({ url: '/packages/ops/items/index' }) }}
      />
    )
  }
  if (id && !item) return <LoadingView className='ops-item-loading' rows={8} />

  const creating = !id
  const set = <K extends keyof Draft>(k: K, v: Draft[K], field: string = k) => {
    setDraft(d => ({ ...d, [k]: v }))
    if (errors[field]) setErrors(({ [field]: _gone, ...rest }) => rest)
  }
  const checked = checkDraft(draft, { creating, now })
  const err = (field: string) => errors[field]

  const save = async () => {
    setNotice('')
    const c = checkDraft(draft, { creating, now: Date.now() })
    if (Object.keys(c.errors).length) {
      setErrors(c.errors)
      setNotice('有字段需要修改，请看标红的提示')
      return
    }
    setSaving(true)
    try {
      if (creating) {
        const made = await ops.createItem(c.form, c.stock, c.shards)
        const codes = ops.splitCodes(codesText)
        if (codes.length && isVirtual(c.form.kind)) await ops.addCodes(made.id, codes).catch(() => undefined)
        void Taro.redirectTo({ url: `/packages/ops/item/index?id=${encodeURIComponent(made.id)}&created=1` })
        return
      }
      const changes = changedFields(c.form, item!)
      if (!Object.keys(changes).length) {
        setNotice('没有修改')
        return
      }
      const saved = await ops.updateItem(id, changes)
      setItem(saved)
      setDraft(draftOf(saved))
      setErrors({})
      setNotice('已保存')
    } catch (e) {
      const fe = fieldErrors(e)
      setErrors(fe)
      setNotice(fe[FORM] ?? '有字段需要修改，请看标红的提示')
    } finally {
      setSaving(false)
    }
  }

  // Pictures: picked on the device, sent to the server, kept as fileIDs.
  const upload = async () => {
    setErrors(({ images: _gone, ...rest }) => rest)
    const picked = await ops.pickImage()
    if (!picked) return
    const early = ops.imageSizeProblem(picked.size)
    if (early) return setErrors(e => ({ ...e, images: early }))
    setUploading(true)
    try {
      const bytes = await picked.read()
      const { fileID } = await ops.uploadImage(bytes)
      setDraft(d => ({ ...d, images: d.images.includes(fileID) ? d.images : [...d.images, fileID] }))
    } catch (e) {
      const fe = fieldErrors(e)
      setErrors(x => ({ ...x, images: fe.images ?? fe[FORM] ?? describeError(e) }))
    } finally {
      setUploading(false)
    }
  }
  const moveImage = (i: number, to: number) =>
    setDraft(d => {
      const images = [...d.images]
      const [x] = images.splice(i, 1)
      if (to >= 0) images.splice(to, 0, x)
      return { ...d, images }
    })

  const addCodes = async () => {
    const codes = ops.splitCodes(codesText)
    if (!codes.length) return setErrors(e => ({ ...e, codes: '卡码：不能为空' }))
    setSideBusy('codes')
    try {
      const r = await ops.addCodes(id, codes)
      setItem(r.item)
      setCodesText('')
      setErrors(({ codes: _gone, ...rest }) => rest)
      setNotice(`已添加 ${r.added} 个卡码${r.duplicates ? `，${r.duplicates} 个重复已跳过` : ''}，现有库存 ${r.item.stockLeft}`)
    } catch (e) {
      const fe = fieldErrors(e)
      setErrors(x => ({ ...x, codes: fe.codes ?? fe[FORM] ?? describeError(e) }))
    } finally {
      setSideBusy('')
    }
  }
  const readCodesFile = async () => {
    const f = await ops.pickTextFile(['csv', 'txt'])
    if (f) setCodesText(t => (t.trim() ? `${t.trim()}\n` : '') + f.text)
  }
  const addStock = async () => {
    const units = Number(stockAdd)
    if (!/^\d+$/.test(stockAdd.trim()) || units < 1) return setErrors(e => ({ ...e, units: '追加库存：至少 1 件' }))
    setSideBusy('stock')
    try {
      const r = await ops.addStock(id, units)
      setItem(r)
      setStockAdd('')
      setErrors(({ units: _gone, ...rest }) => rest)
      setNotice(`已追加 ${units} 件，现有库存 ${r.stockLeft}`)
    } catch (e) {
      const fe = fieldErrors(e)
      setErrors(x => ({ ...x, units: fe.units ?? fe[FORM] ?? describeError(e) }))
    } finally {
      setSideBusy('')
    }
  }

  const f = checked.form
  const previewItem = {
    id: id || 'preview',
    title: f.title || '商品标题',
    images: f.images,
    flashSale: f.flashSale,
    points: Number.isFinite(f.points) && f.points > 0 ? f.points : 0,
    cashFen: f.cashFen,
    state: previewState(f, now),
    stockLeft: creating ? (isVirtual(f.kind) ? ops.splitCodes(codesText).length : Math.max(0, Number(draft.stock) || 0)) : item!.stockLeft,
    listAt: f.listAt
  }
  const left = mall.countdown(f.listAt, now)

  const text = (k: keyof Draft, field: string, placeholder: string, extra: { type?: 'text' | 'number' | 'digit'; maxlength?: number } = {}) => (
    <Input
      className={`ops-input ops-item-${field}`}
      type={extra.type ?? 'text'}
      maxlength={extra.maxlength ?? 140}
      disabled={readOnly}
      placeholder={placeholder}
      value={String(draft[k])}
      onInput={e => set(k, e.detail.value as never, field)}
    />
  )
  const when = (which: 'list' | 'delist') => {
    const dateKey = which === 'list' ? 'listDate' : 'delistDate'
    const timeKey = which === 'list' ? 'listTime' : 'delistTime'
    const field = which === 'list' ? 'listAt' : 'delistAt'
    return (
      <View className='ops-item__when'>
        <Picker mode='date' value={draft[dateKey] || ''} disabled={readOnly} onChange={e => set(dateKey, e.detail.value, field)}>
          <Text className={`ops-item__pick ops-item-${field}-date`}>{draft[dateKey] || '选择日期'}</Text>
        </Picker>
        <Picker mode='time' value={draft[timeKey] || '00:00'} disabled={readOnly} onChange={e => set(timeKey, e.detail.value, field)}>
          <Text className={`ops-item__pick ops-item-${field}-time`}>{draft[timeKey] || '00:00'}</Text>
        </Picker>
        {draft[dateKey] && !readOnly ? (
          <Text
            className='ops-item__clear'
            onClick={() => {
              set(dateKey, '', field)
              set(timeKey, '', field)
            }}
          >
            清除
          </Text>
        ) : null}
      </View>
    )
  }

  const section = (title: string, children: ReactNode) => (
    <View className='ops-card ops-item__section'>
      <Text className='ops-card__title'>{title}</Text>
      {children}
    </View>
  )

  return (
    <View className='ops-item'>
      <View className='ops-item__form'>
        {readOnly ? <Text className='ops-banner'>只读：你的角色可以查看，不能修改</Text> : null}
        {section(
          '基本信息',
          <>
            <OpsField name='title' label='标题' required error={err('title')} hint='买家看到的商品名，最多 40 个字'>
              {text('title', 'title', '如：山野白茶 100g', { maxlength: 60 })}
            </OpsField>
            <OpsField name='images' label='图片' error={err('images')} hint='JPG、PNG、GIF 或 WEBP，每张不超过 512 KB，最多 9 张；第一张是封面'>
              <View className='ops-item__images'>
                {draft.images.map((src, i) => (
                  <View key={src} className='ops-item__image ops-item-image' data-index={i}>
                    <CloudImage className='ops-item__thumb' src={src} />
                    {!readOnly ? (
                      <View className='ops-item__image-tools'>
                        {i > 0 ? (
                          <Text className='ops-item__image-tool' onClick={() => moveImage(i, 0)}>
                            设为封面
                          </Text>
                        ) : (
                          <Text className='ops-item__image-tool ops-item__image-tool--muted'>封面</Text>
                        )}
                        <Text className='ops-item__image-tool ops-item-image-remove' onClick={() => moveImage(i, -1)}>
                          删除
                        </Text>
                      </View>
                    ) : null}
                  </View>
                ))}
                {!readOnly && draft.images.length < 9 ? (
                  <View className='ops-item__upload ops-item-upload' onClick={() => !uploading && void upload()}>
                    <Text>{uploading ? '上传中…' : '+ 上传图片'}</Text>
                  </View>
                ) : null}
              </View>
            </OpsField>
            <OpsField name='category' label='分类' required error={err('category')} hint='商城的分类标签，最多 12 个字'>
              {text('category', 'category', '如：茶叶', { maxlength: 20 })}
            </OpsField>
            <OpsField name='kind' label='类型' required error={err('kind')} hint={creating ? '创建后不能修改' : '类型创建后不能修改'}>
              <View className='ops-item__chips'>
                {KINDS.map(k => (
                  <Text
                    key={k}
                    className={`ops-item__chip ops-item-kind-${k} ${draft.kind === k ? 'ops-item__chip--active' : ''} ${!creating || readOnly ? 'ops-item__chip--disabled' : ''}`}
                    onClick={() => creating && !readOnly && set('kind', k)}
                  >
                    {ops.KIND_LABEL[k]}
                  </Text>
                ))}
              </View>
            </OpsField>
            <OpsField name='description' label='描述' error={err('description')} hint='商品详情页的文字，最多 2000 字'>
              <Textarea
                className='ops-input ops-item__textarea ops-item-description'
                maxlength={2100}
                disabled={readOnly}
                value={draft.description}
                placeholder='产地、规格、发货说明……'
                onInput={e => set('description', e.detail.value)}
              />
            </OpsField>
          </>
        )}
        {section(
          '价格与库存',
          <>
            <OpsField name='points' label='积分' required error={err('points')} hint='每件所需积分，1 至 10,000,000'>
              {text('points', 'points', '如：1200', { type: 'number' })}
            </OpsField>
            <OpsField name='cashFen' label='现金（元）' error={err('cashFen')} hint='积分 + 现金时每件另付的钱，0 为纯积分'>
              {text('cash', 'cashFen', '0', { type: 'digit' })}
            </OpsField>
            {draft.kind === 'redPacket' ? (
              <OpsField name='redPacketFen' label='红包金额（元）' required error={err('redPacketFen')} hint='兑换后发给会员的现金红包，最多 200 元'>
                {text('redPacket', 'redPacketFen', '如：5', { type: 'digit' })}
              </OpsField>
            ) : null}
            {creating ? (
              isVirtual(draft.kind) ? (
                <OpsField name='stock' label='库存' error={err('stock')} hint='虚拟商品的库存就是卡码的数量：在下方「卡码」里粘贴或读取文件'>
                  <Text className='ops-item__static'>{ops.splitCodes(codesText).length} 个卡码</Text>
                </OpsField>
              ) : (
                <>
                  <OpsField name='stock' label='库存' required error={err('stock')} hint='上架的件数，0 至 10,000,000'>
                    {text('stock', 'stock', '如：100', { type: 'number' })}
                  </OpsField>
                  <OpsField name='shards' label='库存分片' error={err('shards')} hint='秒杀建议 4–16 片，抢购时买家不必排队；普通商品 1 片'>
                    {text('shards', 'shards', '1', { type: 'number' })}
                  </OpsField>
                </>
              )
            ) : (
              <OpsField name='units' label='库存' error={err('units')} hint={isVirtual(draft.kind) ? '虚拟商品在下方上传卡码来增加库存' : '追加的件数会加到现有库存上'}>
                <View className='ops-item__row'>
                  <Text className='ops-item__static ops-item-stock'>
                    剩余 {item!.stockLeft} · 已兑 {item!.sold}
                  </Text>
                  {!isVirtual(draft.kind) && !readOnly ? (
                    <>
                      <Input className='ops-input ops-item__small ops-item-units' type='number' placeholder='追加件数' value={stockAdd} onInput={e => setStockAdd(e.detail.value)} />
                      <Button size='small' className='ops-item-add-stock' loading={sideBusy === 'stock'} onClick={() => void addStock()}>
                        追加库存
                      </Button>
                    </>
                  ) : null}
                </View>
              </OpsField>
            )}
            <OpsField name='perMemberLimit' label='每人限兑' error={err('perMemberLimit')} hint='每位会员最多兑换的件数，0 为不限'>
              {text('perMemberLimit', 'perMemberLimit', '0', { type: 'number' })}
            </OpsField>
            <OpsField name='perOrderMax' label='每单上限' error={err('perOrderMax')} hint='一次最多兑换的件数，1 至 99'>
              {text('perOrderMax', 'perOrderMax', '5', { type: 'number' })}
            </OpsField>
          </>
        )}
        {section(
          '上架与展示',
          <>
            <OpsField name='listAt' label='上架时间' error={err('listAt')} hint='北京时间；不选则立即上架'>
              {when('list')}
            </OpsField>
            <OpsField name='delistAt' label='下架时间' error={err('delistAt')} hint='北京时间；不选则一直在售'>
              {when('delist')}
            </OpsField>
            <OpsField name='flashSale' label='秒杀' error={err('flashSale')} hint='显示「秒杀」角标，开始前显示倒计时'>
              <Switch className='ops-item-flash' checked={draft.flashSale} disabled={readOnly} color='#fa2c19' onChange={e => set('flashSale', e.detail.value)} />
            </OpsField>
            <OpsField name='visible' label='在商城展示' error={err('visible')} hint='关闭后买家看不到，也不能兑换'>
              <Switch className='ops-item-visible' checked={draft.visible} disabled={readOnly} color='#fa2c19' onChange={e => set('visible', e.detail.value)} />
            </OpsField>
            {tierList.length ? (
              <OpsField name='tiers' label='会员专享' error={err('tiers')} hint='只让选中的等级看到并兑换；都不选则所有会员可兑'>
                <View className='ops-item__chips'>
                  {tierList.map(t => (
                    <Text
                      key={t.level}
                      className={`ops-item__chip ops-item-tier-${t.level} ${draft.tiers.includes(t.level) ? 'ops-item__chip--active' : ''}`}
                      onClick={() => !readOnly && set('tiers', draft.tiers.includes(t.level) ? draft.tiers.filter(x => x !== t.level) : [...draft.tiers, t.level])}
                    >
                      {t.name}
                    </Text>
                  ))}
                </View>
              </OpsField>
            ) : null}
            <OpsField name='sortWeight' label='排序权重' error={err('sortWeight')} hint='越大越靠前，-1000 至 1000'>
              {text('sortWeight', 'sortWeight', '0', { type: 'text' })}
            </OpsField>
          </>
        )}
        {isVirtual(draft.kind)
          ? section(
              '卡码',
              <OpsField name='codes' label='卡码' error={err('codes')} hint='每行一个（也可用逗号分隔），4–64 位字母、数字、_ 或 -；一次最多 500 个，重复的会跳过'>
                <Textarea
                  className='ops-input ops-item__textarea ops-item-codes'
                  maxlength={-1}
                  disabled={readOnly}
                  value={codesText}
                  placeholder={'粘贴卡码，例如：\nTEA-0001\nTEA-0002'}
                  onInput={e => {
                    setCodesText(e.detail.value)
                    setErrors(({ codes: _gone, ...rest }) => rest)
                  }}
                />
                <View className='ops-item__row'>
                  <Button size='small' className='ops-item-codes-file' disabled={readOnly} onClick={() => void readCodesFile()}>
                    从文件读取
                  </Button>
                  {!creating ? (
                    <Button size='small' type='primary' className='ops-item-codes-add' disabled={readOnly} loading={sideBusy === 'codes'} onClick={() => void addCodes()}>
                      上传卡码
                    </Button>
                  ) : (
                    <Text className='ops-item__static'>保存商品时一并上传</Text>
                  )}
                </View>
              </OpsField>
            )
          : null}
        <View className='ops-item__actions'>
          <Button type='primary' className='ops-item-save' disabled={readOnly} loading={saving} onClick={() => void save()}>
            {creating ? '创建商品' : '保存修改'}
          </Button>
          <Button className='ops-item-back' onClick={() => void Taro.redirectTo({ url: '/packages/ops/items/index' })}>
            返回列表
          </Button>
          {notice ? <Text className={`ops-notice ops-item-notice ${errors[FORM] || Object.keys(errors).length ? 'ops-notice--error' : ''}`}>{notice}</Text> : null}
        </View>
      </View>

      <View className='ops-item__preview ops-item-preview'>
        <Text className='ops-card__title'>买家看到的样子</Text>
        <View className='ops-item__preview-grid'>
          <MallCard className='ops-item-preview-card' item={previewItem} now={now} />
        </View>
        <View className='ops-item__detail'>
          {f.images[0] ? (
            <CloudImage className='ops-item__detail-image' src={f.images[0]} />
          ) : (
            <View className='ops-item__detail-image ops-item__detail-image--blank'>
              <Text>{previewItem.title.slice(0, 2)}</Text>
            </View>
          )}
          {f.flashSale ? <Text className='ops-item__flash'>秒杀{left ? ` · 距开始 ${left}` : ' · 进行中'}</Text> : null}
          <Text className='ops-item__detail-title'>{previewItem.title}</Text>
          <Text className='ops-item__detail-price'>{mall.priceText(previewItem.points, f.cashFen)}</Text>
          <Text className='ops-item__detail-meta'>
            剩余 {previewItem.stockLeft}
            {f.perMemberLimit > 0 ? ` · 每人限兑 ${f.perMemberLimit}` : ''}
            {f.perOrderMax > 0 ? ` · 每单最多 ${f.perOrderMax}` : ''}
          </Text>
          {f.description ? <Text className='ops-item__detail-desc'>{f.description}</Text> : null}
          <Text className='ops-item__detail-state'>
            {previewItem.state === 'hidden'
              ? '不在商城展示'
              : previewItem.state === 'upcoming'
                ? `即将开始${left ? `（距开始 ${left}）` : ''}`
                : previewItem.state === 'delisted'
                  ? '已下架'
                  : previewItem.stockLeft > 0
                    ? '买家可以立即兑换'
                    : '已兑完'}
            {f.tiers.length ? ` · 仅 ${f.tiers.map(l => tierList.find(t => t.level === l)?.name ?? '指定等级').join('、')} 可兑` : ''}
          </Text>
        </View>
      </View>
    </View>
  )
}
