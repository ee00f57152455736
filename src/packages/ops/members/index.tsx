import { Text, View } from '@tarojs/components'
import { useEffect, useState } from 'react'
import MemberAvatar from '../../../components/MemberAvatar'
import EmptyState from '../../../components/EmptyState'
import { Button, Loading } from '../../../components/nutui'
import { ErrorView, LoadingView } from '../../../components/StatusViews'
import { describeError, isCloudError } from '../../../services/errors'
import { listMembers, MEMBERS_PAGE_SIZE } from '../../../services/admin'
import type { MemberWithBalance } from '../../../services/types'
import { useAsync } from '../../../hooks/useAsync'
import { useMember } from '../../../store/member'
import { maskPhone } from '../../../utils/profile'
import { formatShanghaiDate } from '../../../utils/time'
import './index.scss'

// 运营后台 · 会员列表: the admin function pages with an opaque cursor; the server decides who may
// see it (FORBIDDEN for non-operators), this page only shows what it answers.
export default function OpsMembersPage() {
  const member = useMember()
  const [items, setItems] = useState<MemberWithBalance[]>([])
  const [nextCursor, setNextCursor] = useState<string | null>(null)
  const [total, setTotal] = useState(0)
  const [loaded, setLoaded] = useState(false)
  const page = useAsync((cursor?: string) => listMembers({ cursor, limit: MEMBERS_PAGE_SIZE }))

  const loadPage = async (cursor?: string) => {
    const result = await page.run(cursor)
    if (!result) return
    setItems(prev => (cursor ? [...prev, ...result.items] : result.items))
    setNextCursor(result.nextCursor)
    setTotal(result.total)
    setLoaded(true)
  }

  // First page once signed in; again whenever the signed-in member changes (H5 persona switch).
  useEffect(() => {
    setItems([])
    setNextCursor(null)
    setLoaded(false)
    page.reset()
    if (member.status === 'ready') void loadPage()
  }, [member.status, member.generation])

  const firstLoad = !loaded
  const loginError = member.status === 'error' ? member.error : null
  const forbidden = isCloudError(page.error) && page.error.code === 'FORBIDDEN'
  return (
    <View className='page ops'>
      {firstLoad && (member.status === 'loading' || page.loading) ? <LoadingView className='ops-loading' rows={6} /> : null}
      {loginError ? <ErrorView prefix='ops' message={describeError(loginError)} onRetry={() => void member.reload()} /> : null}
      {firstLoad && !loginError && !page.loading && page.error ? (
        forbidden ? (
          <ErrorView prefix='ops' message={describeError(page.error)} hint='仅运营人员可以查看会员列表' />
        ) : (
          <ErrorView prefix='ops' message={describeError(page.error)} onRetry={() => void loadPage()} />
        )
      ) : null}

      {loaded ? (
        <View className='ops-ready'>
          <View className='ops-summary'>
            <Text className='ops-summary__label'>会员总数</Text>
            <Text className='ops-summary__value ops-total'>{total}</Text>
          </View>

          {items.length === 0 ? <EmptyState className='ops-empty' description='暂无会员' /> : null}

          <View className='ops-list'>
            {items.map(m => (
              <View key={m.openid} className='ops-member' data-openid={m.openid}>
                <MemberAvatar member={m} size='normal' />
                <View className='ops-member__main'>
                  <Text className='ops-member__name ops-member-nickname'>{m.nickname}</Text>
                  <Text className='ops-member__meta'>
                    {m.phone ? maskPhone(m.phone) : '未绑定手机号'} · {formatShanghaiDate(m.createdAt)} 注册
                  </Text>
                </View>
                <View className='ops-member__points'>
                  <Text className='ops-member__balance ops-member-balance'>{m.balance}</Text>
                  <Text className='ops-member__unit'>积分</Text>
                </View>
              </View>
            ))}
          </View>

          <View className='ops-footer'>
            {page.loading ? (
              <Loading className='ops-loading-more'>加载中…</Loading>
            ) : page.error ? (
              <View className='ops-more-error'>
                <Text className='ops-more-error__text'>{describeError(page.error)}</Text>
                <Button className='ops-load-more' size='small' onClick={() => void loadPage(nextCursor ?? undefined)}>
                  重试
                </Button>
              </View>
            ) : nextCursor ? (
              <Button className='ops-load-more' size='small' fill='outline' onClick={() => void loadPage(nextCursor)}>
                加载更多
              </Button>
            ) : items.length > 0 ? (
              <Text className='ops-no-more'>没有更多了</Text>
            ) : null}
          </View>
        </View>
      ) : null}
    </View>
  )
}
