import { Text, View } from '@tarojs/components'
import './index.scss'

// The brand on 首页 (issue 14 §5): its mark and name, as on the tea tins. The demo brand is 山野茶事
// (local/seed/demo.ts DEMO_BRAND); a deployment renames it here and in app.config.ts.
export const BRAND_NAME = '山野茶事'

export default function BrandBar({ className = '' }: { className?: string }) {
  return (
    <View className={`brand-bar ${className}`}>
      <View className='brand-bar__logo'>
        <Text>茶</Text>
      </View>
      <View className='brand-bar__text'>
        <Text className='brand-bar__name'>{BRAND_NAME}</Text>
        <Text className='brand-bar__slogan'>会员积分</Text>
      </View>
    </View>
  )
}
