import { View } from '@tarojs/components'
import OpsField from '../../shell/OpsField'
import { checkInt, NumberInput, only, toInt, type KindFormProps, type Rule } from '../parts'
import type { KindForm } from './types'

// 人工发放: operators grant points under the campaign (compensation, offline prizes); the rule bounds one grant.
const fromRule = (r: Rule): Rule => ({ maxPoints: r.maxPoints === undefined ? '' : String(r.maxPoints) })
const toRule = (e: Rule): Rule => ({ maxPoints: toInt(e.maxPoints) })
const check = (e: Rule) => only({ 'rule.maxPoints': checkInt(e.maxPoints, '单次最多发放', 1, 1000000) })

function Form({ rule, set, errors, readOnly }: KindFormProps) {
  return (
    <View className='ops-kind ops-kind-manual'>
      <OpsField name='rule-maxPoints' label='单次最多发放' required error={errors['rule.maxPoints']} hint='一次人工发放的积分上限'>
        <NumberInput name='maxPoints' value={rule.maxPoints} readOnly={readOnly} onChange={maxPoints => set({ maxPoints })} />
      </OpsField>
    </View>
  )
}

export const manualForm: KindForm = { kind: 'manual', label: '人工发放', creatable: true, fromRule, toRule, check, Form }
