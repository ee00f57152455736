import { Image, OfficialAccount, Text, View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { useEffect, useRef, useState } from 'react'
import { Button, Input } from '../../components/nutui'
import { LoadingView } from '../../components/StatusViews'
import PrivacySheet from '../../components/PrivacySheet'
import { ensurePrivacy } from '../../privacy/consent'
import * as codes from '../../services/codes'
import type { Coordinates, ScanResult } from '../../services/codes'
import { describeError, isCloudError } from '../../services/errors'
import { useMember } from '../../store/member'
import { formatShanghaiDateTime } from '../../utils/time'
import './index.scss'

// 扫码赚积分: scan the product's QR (weapp: Taro.scanCode), type the code (H5 and weapp), or arrive
// with it — `?code=` (H5 link) or `q` (the printed brand link the mini-program was launched with).
// The answer is shown per outcome: points earned, already queried (with the count and the first
// time), counterfeit warning, daily cap, outside the sales region; then the follow card.
const IS_WEAPP = process.env.TARO_ENV === 'weapp'

/** `unchecked`: the member asked for the region check but no position came (consent or the browser refused, no fix). */
type State =
  | { kind: 'form' }
  | { kind: 'loading'; code: string }
  | { kind: 'result'; result: ScanResult; unchecked: boolean }
  | { kind: 'error'; error: unknown; code: string }

export default function ScanPage() {
  const router = useRouter()
  const member = useMember()
  const launchCode = codes.codeFromLaunch(router.params as Record<string, string | undefined>)
  const [state, setState] = useState<State>(launchCode ? { kind: 'loading', code: launchCode } : { kind: 'form' })
  const [input, setInput] = useState('')
  const [useLocation, setUseLocation] = useState(false)
  const started = useRef(false)

  /** The position, null when not asked for, 'refused' when asked for and none came (the scan goes on without it). */
  async function locate(): Promise<Coordinates | 'refused' | null> {
    if (!useLocation) return null
    // Our consent sheet first (WeChat's privacy flow; in H5 before the browser's geolocation).
    if (!(await ensurePrivacy('location'))) return 'refused'
    try {
      // H5: Taro's browser getLocation refuses gcj02 (only wgs84); the province lookup needs no more.
      const r = await Taro.getLocation({ type: IS_WEAPP ? 'gcj02' : 'wgs84' })
      return { latitude: r.latitude, longitude: r.longitude }
    } catch {
      return 'refused' // the browser or WeChat refused, or no fix
    }
  }

  async function submit(code: string) {
    // Consent (and the position) before the page turns to loading: the sheet shows over the form.
    const located = await locate()
    const location = located === 'refused' ? null : located
    setState({ kind: 'loading', code })
    try {
      const result = await codes.scan(code, location)
      setState({ kind: 'result', result, unchecked: located === 'refused' })
      if (result.outcome === 'earned' && !result.repeat) void member.refresh().catch(() => {})
    } catch (error) {
      setState({ kind: 'error', error, code })
    }
  }

  useEffect(() => {
    if (launchCode && member.status === 'ready' && !started.current) {
      started.current = true
      void submit(launchCode)
    }
  }, [launchCode, member.status])

  async function scanWithCamera() {
    try {
      const r = await Taro.scanCode({ onlyFromCamera: false, scanType: ['qrCode', 'barCode'] })
      const code = codes.codeFromText(r.result)
      if (code) void submit(code)
    } catch {
      /* cancelled */
    }
  }

  return (
    <View className='page scan-page'>
      <PrivacySheet />
      {state.kind === 'form' ? (
        <View className='scan-form'>
          <View className='scan-hero'>
            <Text className='scan-hero__title'>扫一扫商品上的二维码</Text>
            <Text className='scan-hero__desc'>验真伪 · 查溯源 · 首次扫码赚积分</Text>
          </View>
          {IS_WEAPP ? (
            <Button className='scan-camera' type='primary' block onClick={() => void scanWithCamera()}>
              扫一扫
            </Button>
          ) : null}
          <View className='scan-manual'>
            <Text className='scan-manual__label'>或输入包装上的 20 位防伪码</Text>
            <Input className='scan-input' value={input} maxLength={40} placeholder='如 1XAJ-G639-WBAZ-X9HA-3ZGN' clearable onChange={(v) => setInput(v)} />
            <View className={`scan-location ${useLocation ? 'scan-location--on' : ''}`} onClick={() => setUseLocation(!useLocation)}>
              <Text className='scan-location__box'>{useLocation ? '✓' : ''}</Text>
              <Text className='scan-location__text'>使用我的位置核验销售区域（可选）</Text>
            </View>
            <Button className='scan-submit' type='primary' block disabled={!input.trim()} onClick={() => void submit(input)}>
              查询并领取积分
            </Button>
          </View>
        </View>
      ) : null}

      {state.kind === 'loading' ? <LoadingView className='scan-loading' rows={3} /> : null}
      {state.kind === 'result' ? <ResultView result={state.result} unchecked={state.unchecked} onAgain={() => setState({ kind: 'form' })} /> : null}
      {state.kind === 'error' ? <ScanError error={state.error} onAgain={() => setState({ kind: 'form' })} /> : null}
    </View>
  )
}

const COUNTERFEIT_CODES = new Set(['CODE_FORGED', 'CODE_UNKNOWN_KEY', 'CODE_UNKNOWN'])

function ScanError({ error, onAgain }: { error: unknown; onAgain: () => void }) {
  const code = isCloudError(error) ? error.code : ''
  const counterfeit = COUNTERFEIT_CODES.has(code)
  return (
    <View className={`scan-result scan-outcome--error scan-error-${code || 'unknown'}`}>
      <View className={`scan-head ${counterfeit ? 'scan-head--warning' : ''}`}>
        <Text className='scan-head__title scan-error-text'>{describeError(error)}</Text>
        {counterfeit ? <Text className='scan-head__desc'>请通过品牌官方渠道购买，如有疑问请联系客服</Text> : null}
      </View>
      <Button className='scan-again' block onClick={onAgain}>
        重新输入
      </Button>
    </View>
  )
}

function headline(r: ScanResult): { title: string; desc: string } {
  switch (r.outcome) {
    case 'earned':
      return r.repeat ? { title: `你已领取 ${r.points} 积分`, desc: '此码的积分已发放给你，不会重复发放' } : { title: `+${r.points} 积分`, desc: '正品验证通过，积分已到账' }
    case 'queried':
      return { title: '此码已被领取', desc: '积分已由首次扫码的会员获得' }
    case 'dailyCap':
      return { title: '今日扫码积分已达上限', desc: '此码仍可由你明天再来领取' }
    case 'diverted':
      return { title: '该商品不在当地销售范围', desc: '已记录，品牌方将核查流通渠道' }
  }
}

function ResultView({ result, unchecked, onAgain }: { result: ScanResult; unchecked: boolean; onAgain: () => void }) {
  const { title, desc } = headline(result)
  const t = result.trace
  return (
    <View className={`scan-result scan-outcome--${result.outcome}`}>
      <View className={`scan-head ${result.warning ? 'scan-head--warning' : ''}`}>
        <Text className='scan-head__title scan-points'>{title}</Text>
        <Text className='scan-head__desc'>{desc}</Text>
        {result.balance !== null && result.outcome === 'earned' ? <Text className='scan-head__balance scan-balance'>当前积分 {result.balance}</Text> : null}
        {result.validUntil && result.outcome === 'earned' ? <Text className='scan-head__balance scan-valid'>积分有效期至 {result.validUntil}</Text> : null}
      </View>

      {result.redPacket ? (
        <View className='scan-redpacket'>
          <Text className='scan-redpacket__title'>恭喜获得现金红包 ¥{(result.redPacket.amountFen / 100).toFixed(2)}</Text>
          <Text className='scan-redpacket__desc'>{result.redPacket.status === 'paid' ? '已发放至微信零钱' : '正在发放，请稍后在微信零钱查看'}</Text>
        </View>
      ) : null}

      {result.warning ? (
        <View className='scan-warning'>
          <Text className='scan-warning__title'>谨防假冒</Text>
          <Text className='scan-warning__text'>此码已被多次查询或已被他人领取。如非本人首次扫码，所购商品可能为仿冒品，请联系品牌客服核实。</Text>
        </View>
      ) : null}
      {result.message ? <Text className='scan-message'>{result.message}</Text> : null}

      <View className='scan-trace'>
        <Text className='scan-trace__title'>产品溯源</Text>
        {t.image ? <Image className='scan-trace__image scan-trace-image' src={t.image} mode='aspectFit' /> : null}
        <Row label='产品' value={t.name} className='scan-trace-name' />
        {t.spec ? <Row label='规格' value={t.spec} className='scan-trace-spec' /> : null}
        <Row label='批次' value={t.batchNo} className='scan-trace-batch' />
        <Row label='生产日期' value={t.productionDate} className='scan-trace-date' />
        {t.origin ? <Row label='产地' value={t.origin} className='scan-trace-origin' /> : null}
        <Row label='防伪码' value={result.code} className='scan-trace-code' />
        {result.repeat ? <Row label='首次查询' value={formatShanghaiDateTime(result.firstScanAt)} className='scan-trace-first' /> : null}
        {result.region.provinceName ? <Row label='扫码地区' value={result.region.provinceName} className='scan-trace-region' /> : null}
        {unchecked ? <Row label='销售区域' value='未能获取位置，无法核验' className='scan-trace-region-unchecked' /> : null}
      </View>

      <FollowCard />

      <Button className='scan-again' block onClick={onAgain}>
        继续扫码
      </Button>
    </View>
  )
}

function Row({ label, value, className }: { label: string; value: string; className: string }) {
  return (
    <View className={`scan-row ${className}`}>
      <Text className='scan-row__label'>{label}</Text>
      <Text className='scan-row__value'>{value}</Text>
    </View>
  )
}

/** weapp: the official-account component (shown when the launch scene allows it); H5: an equivalent card. */
function FollowCard() {
  if (IS_WEAPP) return <OfficialAccount className='scan-follow' />
  return (
    <View className='scan-follow scan-follow--card'>
      <View className='scan-follow__mark'>
        <Text>茶</Text>
      </View>
      <View className='scan-follow__body'>
        <Text className='scan-follow__title'>关注品牌公众号</Text>
        <Text className='scan-follow__desc'>新品上市、积分活动第一时间知道</Text>
      </View>
      <Button className='scan-follow__btn' size='small' type='primary' onClick={() => void Taro.showToast({ title: '请在微信中打开以关注', icon: 'none' })}>
        关注
      </Button>
    </View>
  )
}
