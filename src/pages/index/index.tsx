import { Text, View } from '@tarojs/components'
import Taro, { useDidShow, usePullDownRefresh, useRouter } from '@tarojs/taro'
import { useEffect, useState } from 'react'
import BalanceCard from '../../components/BalanceCard'
import BrandBar from '../../components/BrandBar'
import EarnCard from '../../components/EarnCard'
import TierBadge from '../../components/TierBadge'
import PersonaSwitch from '../../components/PersonaSwitch'
import PlayEntries from '../../components/PlayEntries'
import { ErrorView, LoadingView } from '../../components/StatusViews'
import { codeFromLaunch } from '../../services/codes'
import { describeError } from '../../services/errors'
import { useMember } from '../../store/member'
import type { PointsSummaryResult } from '../../services/types'
import { formatFen } from '../../utils/points'
import { toast } from '../../utils/toast'
import MemberDay from './MemberDay'
import './index.scss'

const ENTRIES = [
  { key: 'scan', title: '扫码赚积分', desc: '扫商品码，领积分', mark: '扫' }
]

const SCAN_PAGE = '/packages/scan/index'

/** A code the app was opened with: the printed QR's `q` launch option, or `?code=` on the H5 link. */
function launchCode(params: Record<string, string | undefined>): string {
  const fromParams = codeFromLaunch(params)
  if (fromParams || process.env.TARO_ENV !== 'h5' || typeof window === 'undefined') return fromParams
  return codeFromLaunch(Object.fromEntries(new URLSearchParams(window.location.search)))
}

let launchHandled = false

export default function HomePage() {
  const { status, session, error, reload, refresh, generation } = useMember()
  const router = useRouter()
  // The fresh summary (as 商城 and 我的积分 read it): its figures replace the login's once it answers.
  const [summary, setSummary] = useState<PointsSummaryResult | null>(null)
  const [day, setDay] = useState(0)
  useEffect(() => setSummary(null), [generation])
  // Back on the tab after redeeming or earning elsewhere: the day's figures again (not on the first show).
  const [shown, setShown] = useState(false)
  useDidShow(() => {
    if (shown) setDay(d => d + 1)
    else setShown(true)
  })

  useEffect(() => {
    if (launchHandled) return
    launchHandled = true
    const code = launchCode(router.params as Record<string, string | undefined>)
    if (code) void Taro.navigateTo({ url: `${SCAN_PAGE}?code=${encodeURIComponent(code)}` })
  }, [])

  usePullDownRefresh(() => {
    const done = () => Taro.stopPullDownRefresh()
    setDay(d => d + 1)
    if (status === 'ready') refresh().catch(err => toast(describeError(err))).finally(done)
    else reload().finally(done)
  })

  return (
    <View className='page home'>
      {process.env.TARO_ENV === 'h5' ? <PersonaSwitch variant='corner' /> : null}

      {status === 'loading' ? <LoadingView className='home-loading' /> : null}

      {status === 'error' && error ? (
        <ErrorView prefix='home' message={describeError(error)} onRetry={() => void reload()} />
      ) : null}

      {status === 'ready' && session ? (
        <View className='home-ready'>
          <BrandBar className='home-brand' />
          <View className='home-greeting'>
            <Text className='home-greeting__hello'>你好，</Text>
            <Text className='home-greeting__name home-nickname'>{session.member.nickname}</Text>
          </View>
          <TierBadge className='home-tier' />
          <BalanceCard
            points={summary ?? session.points}
            valueClassName='home-balance'
            valueSuffix={summary ? <Text className='balance-card__worth home-balance-worth'>≈ ¥{formatFen(summary.valueFen)}</Text> : null}
            linkText='积分明细 ›'
            onTap={() => void Taro.navigateTo({ url: '/packages/points/ledger/index' })}
          />
          <MemberDay generation={generation * 1000 + day} onSummary={setSummary} />
          <Text className='section-title'>赚积分</Text>
          <EarnCard />
          <View className='home-entries'>
            {ENTRIES.map(e => (
              <View
                key={e.key}
                className={`home-entry home-entry-${e.key}`}
                onClick={() => void Taro.navigateTo({ url: SCAN_PAGE })}
              >
                <View className='home-entry__mark'>
                  <Text>{e.mark}</Text>
                </View>
                <Text className='home-entry__title'>{e.title}</Text>
                <Text className='home-entry__desc'>{e.desc}</Text>
              </View>
            ))}
          </View>
          <PlayEntries />
        </View>
      ) : null}
    </View>
  )
}
