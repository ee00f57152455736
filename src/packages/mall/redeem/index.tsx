import { Input, Text, View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { useEffect, useRef, useState } from 'react'
import { Button } from '../../../components/nutui'
import { ErrorView, LoadingView } from '../../../components/StatusViews'
import { describeError, isCloudError } from '../../../services/errors'
import * as mall from '../../../services/mall'
import { useMember } from '../../../store/member'
import PrivacySheet from '../../../components/PrivacySheet'
import { ensurePrivacy } from '../../../privacy/consent'
import { toast } from '../../../utils/toast'
import RegionPicker from './RegionPicker'
import { isDivision } from './divisions'
import './index.scss'

const EMPTY: mall.Address = { name: '', phone: '', province: '', city: '', district: '', detail: '' }
// Typed fields. No maxlength: text past a limit is refused with a message, never cut (addressProblem).
const FIELDS: { key: 'name' | 'phone' | 'detail'; label: string; type?: 'number'; placeholder: string }[] = [
  { key: 'name', label: '收货人', placeholder: `姓名，最多 ${mall.ADDRESS_MAX.name} 个字` },
  { key: 'phone', label: '手机号', type: 'number', placeholder: '11 位手机号' },
  { key: 'detail', label: '详细地址', placeholder: '街道、门牌号等' }
]

/** The order page; `from` says why the member is there (pay: back from a payment; again: led to an unpaid order). */
const orderUrl = (id: string, from?: 'pay' | 'again') => `/packages/mall/order/index?id=${encodeURIComponent(id)}${from ? `&from=${from}` : ''}`

// 确认兑换: what will be taken, the delivery address for physical goods (the form everywhere, the
// region from a picker over real divisions, filled from Taro.chooseAddress in weapp; remembered per
// member), then one redemption under a key made when the page opened — a double tap or a retry after
// a lost reply answers the same order. Points + cash: the order page after the payment, whatever
// became of it; an unpaid order of the item already holding points is opened instead of a new one.
export default function RedeemPage() {
  const params = useRouter().params
  const id = params.id ?? ''
  const quantity = Math.max(1, Number(params.quantity ?? 1) | 0)
  const member = useMember()
  const [item, setItem] = useState<mall.MallItem | null>(null)
  const [loadError, setLoadError] = useState<unknown>(null)
  const [address, setAddress] = useState<mall.Address>(EMPTY)
  const [problem, setProblem] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)
  const [order, setOrder] = useState<mall.MallOrder | null>(null)
  const [picking, setPicking] = useState(false)
  const clientKey = useRef(mall.newClientKey())

  const load = () => {
    setLoadError(null)
    Promise.all([mall.item(id), mall.savedAddress()]).then(
      ([d, a]) => {
        setItem(d.item)
        if (a.address) setAddress(a.address)
      },
      setLoadError
    )
  }
  useEffect(() => {
    if (member.status === 'ready' && id) load()
  }, [member.status, member.generation, id])

  const chooseAddress = async () => {
    // Refused: the member types the address by hand.
    if (!(await ensurePrivacy('address'))) return toast('可手动填写收货地址')
    try {
      const a = await Taro.chooseAddress()
      setAddress({ name: a.userName, phone: a.telNumber, province: a.provinceName, city: a.cityName, district: a.countyName, detail: a.detailInfo })
      setProblem('')
    } catch {
      /* the member closed the picker */
    }
  }

  const submit = async () => {
    if (!item || busy) return
    if (item.needsAddress) {
      const p = mall.addressProblem(address) ?? (isDivision(address.province, address.city, address.district) ? null : '所在地区不存在，请重新选择省、市、区')
      setProblem(p ?? '')
      if (p) return
    }
    setBusy(true)
    setError(null)
    try {
      const r = await mall.redeem({ item: item.id, quantity, clientKey: clientKey.current, ...(item.needsAddress ? { address } : {}) })
      if (item.needsAddress) mall.saveAddress(address).catch(() => {})
      // Points already frozen for this item by an unpaid order: that order, with 去支付 / 取消.
      if (r.unpaid) return void Taro.redirectTo({ url: orderUrl(r.order.id, 'again') })
      setOrder(r.order)
      // Paid: the order. Failed or closed (weapp): the order too, saying so (H5 returns there itself).
      if (r.payment) {
        const paid = await mall.startPayment(r.payment, orderUrl(r.order.id, 'pay'))
        if (paid !== 'away') void Taro.redirectTo({ url: orderUrl(r.order.id, paid === 'paid' ? undefined : 'pay') })
      }
    } catch (e) {
      setError(e)
      // A definite refusal ends this attempt; the next tap is a new redemption.
      if (isCloudError(e) && e.code !== 'NETWORK' && e.code !== 'CONFLICT' && e.code !== 'INTERNAL') clientKey.current = mall.newClientKey()
    } finally {
      setBusy(false)
    }
  }

  const field = (f: (typeof FIELDS)[number]) => (
    <View key={f.key} className='mall-redeem__field'>
      <Text className='mall-redeem__label'>{f.label}</Text>
      <Input
        className={`mall-redeem__input mall-address-${f.key}`}
        type={f.type ?? 'text'}
        value={address[f.key]}
        placeholder={f.placeholder}
        maxlength={f.key === 'phone' ? 11 : -1}
        onInput={e => {
          setAddress(a => ({ ...a, [f.key]: e.detail.value }))
          setProblem('')
        }}
      />
    </View>
  )

  if (order && order.status !== 'unpaid') {
    return (
      <View className='page mall-redeem'>
        <View className='mall-redeem__card mall-redeem-result' data-order={order.id}>
          <Text className='mall-redeem__done'>兑换成功</Text>
          <Text className='mall-redeem__line'>
            {order.title} × {order.quantity}，已扣 {order.points} 积分
          </Text>
          {order.code ? <Text className='mall-redeem__code mall-redeem-code'>卡码：{order.code}</Text> : null}
          <Text className='mall-redeem__line'>订单状态：{mall.statusLabel(order.status)}</Text>
          <Text className='mall-redeem__line mall-redeem-no'>订单号 {order.no}</Text>
        </View>
        <Button className='mall-redeem-view-order' type='primary' block onClick={() => Taro.redirectTo({ url: orderUrl(order.id) })}>
          查看订单
        </Button>
      </View>
    )
  }

  return (
    <View className='page mall-redeem'>
      <PrivacySheet />
      {picking ? (
        <RegionPicker
          value={address}
          onClose={() => setPicking(false)}
          onPick={r => {
            setAddress(a => ({ ...a, ...r }))
            setProblem('')
            setPicking(false)
          }}
        />
      ) : null}
      {!item && !loadError ? <LoadingView className='mall-redeem-loading' rows={3} /> : null}
      {loadError ? <ErrorView prefix='mall-redeem' message={describeError(loadError)} onRetry={load} /> : null}
      {item ? (
        <View className='mall-redeem-ready'>
          <View className='mall-redeem__card'>
            <Text className='mall-redeem__title'>{item.title}</Text>
            <Text className='mall-redeem__line'>数量 × {quantity}</Text>
            <Text className='mall-redeem__total mall-redeem-total'>合计 {mall.priceText(item.points * quantity, item.cashFen * quantity)}</Text>
          </View>
          {item.needsAddress ? (
            <View className='mall-redeem__card mall-redeem-address'>
              <Text className='mall-redeem__subtitle'>收货地址</Text>
              {process.env.TARO_ENV === 'weapp' ? (
                <Text className='mall-redeem__wechat mall-address-wechat' onClick={chooseAddress}>
                  使用微信收货地址 ›
                </Text>
              ) : null}
              {FIELDS.slice(0, 2).map(f => field(f))}
              <View className='mall-redeem__field' onClick={() => setPicking(true)}>
                <Text className='mall-redeem__label'>所在地区</Text>
                <Text className={`mall-redeem__region mall-address-region${address.province ? '' : ' mall-redeem__region--empty'}`}>
                  {address.province ? `${address.province} ${address.city} ${address.district}` : '请选择省、市、区 ›'}
                </Text>
              </View>
              {field(FIELDS[2])}
              {problem ? <Text className='mall-redeem__problem mall-address-problem'>{problem}</Text> : null}
            </View>
          ) : null}
          {error ? <Text className='mall-redeem__error mall-redeem-error'>{describeError(error)}</Text> : null}
          <Button className='mall-redeem-confirm' type='primary' block loading={busy} onClick={() => void submit()}>
            {item.cashFen > 0 ? '确认兑换并支付' : '确认兑换'}
          </Button>
        </View>
      ) : null}
    </View>
  )
}
