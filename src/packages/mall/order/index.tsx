import { Text, View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { useEffect, useState } from 'react'
import { Button } from '../../../components/nutui'
import { ErrorView, LoadFailedView, LoadingView } from '../../../components/StatusViews'
import { useAsync } from '../../../hooks/useAsync'
import { describeError } from '../../../services/errors'
import * as mall from '../../../services/mall'
import { useMember } from '../../../store/member'
import { formatShanghaiDateTime } from '../../../utils/time'
import { cancelReasonText } from '../../../utils/words'
import './index.scss'

const orderUrl = (id: string, from?: 'pay') => `/packages/mall/order/index?id=${encodeURIComponent(id)}${from ? `&from=${from}` : ''}`

// 订单详情: what was redeemed and what it cost, the card code of a virtual item, the address and
// logistics of physical goods; 继续支付 while 待付款, 取消订单 until it ships (the points come back).
export default function OrderPage() {
  const params = useRouter().params
  const id = params.id ?? ''
  // Why the member is here: back from a payment (pay) or led from 立即兑换 to this unpaid order (again).
  const [from, setFrom] = useState(params.from === 'pay' || params.from === 'again' ? params.from : '')
  const member = useMember()
  const detail = useAsync(mall.order)
  const [busy, setBusy] = useState(false)
  const [actionError, setActionError] = useState<unknown>(null)

  useEffect(() => {
    if (member.status === 'ready' && id) void detail.run(id)
  }, [member.status, member.generation, id])

  const o = detail.data?.order

  const cancel = async () => {
    const { confirm } = await Taro.showModal({ title: '取消订单', content: '取消后积分和库存将退回，确定取消吗？' })
    if (!confirm) return
    setBusy(true)
    setActionError(null)
    try {
      await mall.cancel(id)
      await detail.run(id)
      void member.reload()
    } catch (e) {
      setActionError(e)
    } finally {
      setBusy(false)
    }
  }

  const pay = async () => {
    setBusy(true)
    setActionError(null)
    try {
      const r = await mall.pay(id)
      const paid = await mall.startPayment(r.payment, orderUrl(id, 'pay'))
      if (paid === 'notPaid') setFrom('pay')
      if (paid !== 'away') await detail.run(id)
    } catch (e) {
      setActionError(e)
    } finally {
      setBusy(false)
    }
  }

  return (
    <View className='page mall-order'>
      {!o && (detail.loading || member.status === 'loading') ? <LoadingView className='mall-order-loading' rows={3} /> : null}
      {member.status === 'error' ? <ErrorView prefix='mall-order' message={describeError(member.error)} onRetry={() => void member.reload()} /> : null}
      {!o && detail.error ? (
        <LoadFailedView
          prefix='mall-order'
          error={detail.error}
          onRetry={() => void detail.run(id)}
          notFound={{ message: '没有找到这个订单', backText: '返回我的订单', onBack: () => void Taro.redirectTo({ url: '/packages/mall/orders/index' }) }}
        />
      ) : null}
      {o ? (
        <View className='mall-order-ready' data-order={o.id}>
          <View className='mall-order__card'>
            <Text className='mall-order__status mall-order-status'>{mall.statusLabel(o.status)}</Text>
            {o.status === 'unpaid' && o.payment ? <UnpaidNotice order={o} from={from} /> : null}
            {o.cancel ? <Text className='mall-order__line'>取消原因：{cancelReasonText(o.cancel.reason)}</Text> : null}
          </View>
          <View className='mall-order__card'>
            <Text className='mall-order__title'>{o.title} × {o.quantity}</Text>
            <Text className='mall-order__line mall-order-points'>{mall.priceText(o.points, o.cashFen * o.quantity)}</Text>
            {(o.codes?.length ? o.codes : o.code ? [o.code] : []).map(code => (
              <View key={code} className='mall-order__code-row'>
                <Text className='mall-order__code mall-order-code'>卡码：{code}</Text>
                {/* The code is what the member shows at the counter or types elsewhere: one tap copies it. */}
                <Button className='mall-order-copy' size='small' onClick={() => void Taro.setClipboardData({ data: code })}>
                  复制
                </Button>
              </View>
            ))}
            {o.redPacket ? (
              <Text className='mall-order__code mall-order-redpacket'>现金红包 ¥{(o.redPacket.amountFen / 100).toFixed(2)}，将发放至微信零钱</Text>
            ) : null}
            <Text className='mall-order__line mall-order-no'>订单号 {o.no}</Text>
            <Text className='mall-order__line'>下单时间 {formatShanghaiDateTime(o.createdAt)}</Text>
          </View>
          {o.address ? (
            <View className='mall-order__card'>
              <Text className='mall-order__subtitle'>收货地址</Text>
              <Text className='mall-order__line'>
                {o.address.name} {o.address.phone}
              </Text>
              <Text className='mall-order__line'>
                {o.address.province}
                {o.address.city}
                {o.address.district}
                {o.address.detail}
              </Text>
            </View>
          ) : null}
          {o.logistics ? (
            <View className='mall-order__card mall-order-logistics'>
              <Text className='mall-order__subtitle'>物流信息</Text>
              <Text className='mall-order__line'>
                {o.logistics.company} {o.logistics.trackingNo}
              </Text>
              <Text className='mall-order__line'>发货时间 {formatShanghaiDateTime(o.logistics.shippedAt)}</Text>
            </View>
          ) : null}
          {actionError ? <Text className='mall-order__error mall-order-error'>{describeError(actionError)}</Text> : null}
          {o.status === 'unpaid' ? (
            <Button className='mall-order-pay' type='primary' block loading={busy} onClick={() => void pay()}>
              去支付
            </Button>
          ) : null}
          {o.status === 'unpaid' || o.status === 'toShip' ? (
            <Button className='mall-order-cancel' block disabled={busy} onClick={() => void cancel()}>
              取消订单
            </Button>
          ) : null}
        </View>
      ) : null}
    </View>
  )
}

/**
 * What became of the payment, for a 待付款 order: the points stay frozen for it until the deadline,
 * then it closes itself and they come back — so the member knows why 可用积分 dropped and what to do.
 */
function UnpaidNotice({ order, from }: { order: mall.MallOrder; from: string }) {
  const deadline = formatShanghaiDateTime(order.payment!.expiresAt)
  const head = from === 'pay' ? '支付未完成' : from === 'again' ? '这件商品还有一笔待付款的订单' : '等待支付'
  return (
    <View className={`mall-order__notice mall-order-unpaid${from ? ` mall-order-unpaid--${from}` : ''}`}>
      <Text className='mall-order__notice-head'>{head}</Text>
      {from === 'pay' ? <Text className='mall-order__line'>支付失败或已取消，没有扣款。</Text> : null}
      {from === 'again' ? <Text className='mall-order__line'>为避免重复冻结积分，请先完成或取消这笔订单。</Text> : null}
      <Text className='mall-order__line'>
        已为这笔订单冻结 {order.points} 积分，请在 {deadline} 前完成支付；取消订单或逾期未支付，积分和库存会自动退回。
      </Text>
    </View>
  )
}
