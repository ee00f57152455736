import { Text, View } from '@tarojs/components'
import { Button } from '../../../components/nutui'

interface Props {
  /** The list as usePagedList holds it. */
  list: { loaded: boolean; loading: boolean; error: unknown; nextCursor: string | null; items: unknown[]; loadMore: () => Promise<void> | void }
  /** Stable hook for the 加载更多 button (e2e), e.g. 'ops-audit-more'. */
  moreClassName: string
}

/** Under a console list: 加载更多 while there is more, 没有更多了 at the end, and a retry when a page failed. */
export default function PagedFooter({ list, moreClassName }: Props) {
  if (!list.loaded || !list.items.length) return null
  return (
    <View className='ops-paged-footer'>
      {list.error ? (
        <Button size='small' onClick={() => void list.loadMore()}>
          加载失败，点此重试
        </Button>
      ) : list.nextCursor ? (
        <Button className={moreClassName} size='small' loading={list.loading} onClick={() => void list.loadMore()}>
          加载更多
        </Button>
      ) : (
        <Text className='ops-no-more'>没有更多了</Text>
      )}
    </View>
  )
}
