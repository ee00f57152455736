import Taro from '@tarojs/taro'

/** Plain text toast (icon 'none' allows more than 7 characters). */
export function toast(title: string): void {
  void Taro.showToast({ title, icon: 'none', duration: 2000 })
}
