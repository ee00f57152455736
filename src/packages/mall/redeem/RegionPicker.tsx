import { ScrollView, Text, View } from '@tarojs/components'
import { useState } from 'react'
import { citiesOf, districtsOf, provinces } from './divisions'

interface Props {
  /** The current choice ('' parts when none). */
  value: { province: string; city: string; district: string }
  onPick: (v: { province: string; city: string; district: string }) => void
  onClose: () => void
}

type Step = 'province' | 'city' | 'district'
const LABEL: Record<Step, string> = { province: '省份', city: '城市', district: '区县' }

/**
 * 选择所在地区: a bottom sheet that walks 省 → 市 → 区 over the real divisions (nothing can be typed,
 * so nothing that does not exist can be chosen). The tabs above go back a step.
 * Hooks: `.region-sheet`, `.region-tab[data-step]`, `.region-option[data-name]`.
 */
export default function RegionPicker({ value, onPick, onClose }: Props) {
  const [province, setProvince] = useState(value.province && citiesOf(value.province).length ? value.province : '')
  const [city, setCity] = useState(province && districtsOf(province, value.city).length ? value.city : '')
  const step: Step = !province ? 'province' : !city ? 'city' : 'district'
  const options = step === 'province' ? provinces() : step === 'city' ? citiesOf(province) : districtsOf(province, city)
  const chosen = step === 'province' ? province : step === 'city' ? city : value.district

  const choose = (name: string) => {
    if (step === 'province') setProvince(name)
    else if (step === 'city') setCity(name)
    else onPick({ province, city, district: name })
  }

  return (
    <View className='region-mask' onClick={onClose}>
      <View className='region-sheet' onClick={e => e.stopPropagation()}>
        <View className='region-sheet__head'>
          <Text className='region-sheet__title'>选择所在地区</Text>
          <Text className='region-sheet__close region-close' onClick={onClose}>
            关闭
          </Text>
        </View>
        <View className='region-sheet__tabs'>
          <Text className={`region-tab${step === 'province' ? ' region-tab--on' : ''}`} data-step='province' onClick={() => (setProvince(''), setCity(''))}>
            {province || '请选择'}
          </Text>
          {province ? (
            <Text className={`region-tab${step === 'city' ? ' region-tab--on' : ''}`} data-step='city' onClick={() => setCity('')}>
              {city || '请选择'}
            </Text>
          ) : null}
          {city ? (
            <Text className='region-tab region-tab--on' data-step='district'>
              请选择
            </Text>
          ) : null}
        </View>
        <ScrollView scrollY className='region-sheet__list'>
          <Text className='region-sheet__hint'>{LABEL[step]}</Text>
          {options.map(name => (
            <View key={name} className={`region-option${name === chosen ? ' region-option--on' : ''}`} data-name={name} onClick={() => choose(name)}>
              <Text>{name}</Text>
            </View>
          ))}
        </ScrollView>
      </View>
    </View>
  )
}
