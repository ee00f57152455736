import { Text, View } from '@tarojs/components'
import { COLLECTED, GUIDE_TITLE, GUIDE_UPDATED, RIGHTS } from '../../../privacy/guide'
import '../privacy.scss'

// 隐私政策: the 用户隐私保护指引 (src/privacy/guide.ts), the same text the WeChat console declares.
export default function PolicyPage() {
  return (
    <View className='page privacy-page privacy-policy'>
      <View className='privacy-card'>
        <Text className='privacy-card__title'>{GUIDE_TITLE}</Text>
        <Text className='privacy-muted'>更新日期：{GUIDE_UPDATED}</Text>
        <Text className='privacy-text'>我们只收集提供服务所必需的信息，并在你同意后才使用位置、收货地址等信息。</Text>
      </View>
      <View className='privacy-card'>
        <Text className='privacy-card__title'>我们收集的信息</Text>
        {COLLECTED.map(item => (
          <View key={item.what} className='privacy-item'>
            <Text className='privacy-item__what'>{item.what}</Text>
            <Text className='privacy-text'>用途：{item.why}</Text>
            <Text className='privacy-text'>保存：{item.kept}</Text>
            <Text className='privacy-text'>不同意时：{item.ifRefused}</Text>
          </View>
        ))}
      </View>
      <View className='privacy-card'>
        <Text className='privacy-card__title'>你的权利</Text>
        {RIGHTS.map(r => (
          <Text key={r} className='privacy-text privacy-right'>
            {r}
          </Text>
        ))}
      </View>
      <View className='privacy-card'>
        <Text className='privacy-card__title'>我们不会</Text>
        <Text className='privacy-text'>不会出售你的个人信息；运营人员查看手机号和地址时默认打码，只有负责发货的人员可以查看完整信息，且每次查看都有记录。</Text>
      </View>
    </View>
  )
}
