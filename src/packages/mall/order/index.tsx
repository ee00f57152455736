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

const orderUrl = (id: string) => `/packages/mall/order/index?id=${encodeURIComponent(id)}`

// 订单详情: what was redeemed and what it cost, the card code of a virtual item, the address and
// logistics of physical goods; 继续支付 while 待付款, 取消订单 until it ships (the points come back).
export default function OrderPage() {
  const id = useRouter().params.id ?? ''
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
      if (await mall.startPayment(r.payment, orderUrl(id))) await detail.run(id)
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
            {o.status === 'unpaid' && o.payment ? <Text className='mall-order__line'>请在 {formatShanghaiDateTime(o.payment.expiresAt)} 前完成支付</Text> : null}
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
            <Text className='mall-order__line'>订单号 {o.id}</Text>
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
              继续支付
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
