import { Button as NativeButton, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { useEffect, useState } from 'react'
import { Button } from '../nutui'
import { AGREE_BUTTON_ID, agree, refuse, subscribe, usePrivacyListener, type SheetState } from '../../privacy/consent'
import { GUIDE_TITLE, PURPOSE_TEXT } from '../../privacy/guide'
import './index.scss'

const IS_WEAPP = process.env.TARO_ENV === 'weapp'

/**
 * Our consent sheet (docs/privacy.md#consent). Render it once on every page that calls an API
 * needing privacy authorisation; it opens when WeChat (or, in H5, ensurePrivacy) asks.
 */
export default function PrivacySheet() {
  const [s, setS] = useState<SheetState | null>(null)
  useEffect(() => {
    usePrivacyListener()
    return subscribe(setS)
  }, [])
  if (!s?.open) return null
  const text = PURPOSE_TEXT[s.purpose]
  return (
    <View className='privacy-sheet'>
      <View className='privacy-sheet__mask' onClick={refuse} />
      <View className='privacy-sheet__panel'>
        <Text className='privacy-sheet__title'>{text.title}</Text>
        <Text className='privacy-sheet__body'>{text.body}</Text>
        <Text className='privacy-sheet__body'>
          请阅读
          <Text className='privacy-sheet__link' onClick={() => void Taro.navigateTo({ url: '/packages/privacy/policy/index' })}>
            《{GUIDE_TITLE}》
          </Text>
          ，同意后我们才会使用这项信息。
        </Text>
        <View className='privacy-sheet__actions'>
          <Button className='privacy-sheet__refuse' fill='outline' onClick={refuse}>
            不同意
          </Button>
          {IS_WEAPP ? (
            <NativeButton id={AGREE_BUTTON_ID} className='privacy-sheet__agree' openType='agreePrivacyAuthorization' onAgreePrivacyAuthorization={agree}>
              同意
            </NativeButton>
          ) : (
            <Button className='privacy-sheet__agree' type='primary' onClick={agree}>
              同意
            </Button>
          )}
        </View>
      </View>
    </View>
  )
}
