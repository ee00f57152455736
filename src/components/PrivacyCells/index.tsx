import Taro from '@tarojs/taro'
import { Cell } from '../nutui'

// 我的 → 隐私政策 / 导出我的数据 / 注销账号 (docs/privacy.md).
const go = (url: string) => () => void Taro.navigateTo({ url })

export default function PrivacyCells() {
  return (
    <>
      <Cell className='me-privacy-policy' title='隐私政策' extra='›' onClick={go('/packages/privacy/policy/index')} />
      <Cell className='me-privacy-export' title='导出我的数据' extra='›' onClick={go('/packages/privacy/export/index')} />
      <Cell className='me-privacy-close' title='注销账号' extra='›' onClick={go('/packages/privacy/close/index')} />
    </>
  )
}
