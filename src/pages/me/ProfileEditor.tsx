import { Picker, Text, View } from '@tarojs/components'
import { useState } from 'react'
import { Button, Input } from '../../components/nutui'
import { describeError, isCloudError } from '../../services/errors'
import * as userService from '../../services/user'
import type { Member, UpdateProfileInput } from '../../services/types'
import { fieldHint, NICKNAME_MAX, validateNickname, validatePhone } from '../../utils/profile'

/** Today's date as the picker's upper bound (the device's calendar day; the server checks Shanghai's). */
const todayText = () => {
  const d = new Date()
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
}

interface Props {
  member: Member
  onSaved: (member: Member) => void
  onCancel: () => void
}

function serverErrorText(err: unknown): string {
  if (isCloudError(err) && err.code === 'BAD_REQUEST') {
    const hint = fieldHint(err.serverMessage)
    if (hint) return hint
  }
  return describeError(err)
}

/** 编辑资料: nickname 1–20 characters (no maxLength: a longer one is refused with 昵称最多 20 个字, never cut), phone an 11-digit mainland mobile or empty. */
export default function ProfileEditor({ member, onSaved, onCancel }: Props) {
  const [nickname, setNickname] = useState(member.nickname)
  const [phone, setPhone] = useState(member.phone)
  // Set once (the server refuses another day later: BIRTHDAY_LOCKED), so only offered while unset.
  const [birthday, setBirthday] = useState(member.birthday ?? '')
  const [saving, setSaving] = useState(false)
  const [formError, setFormError] = useState('')

  const save = async () => {
    const invalid = validateNickname(nickname) ?? validatePhone(phone)
    if (invalid) {
      setFormError(invalid)
      return
    }
    const changes: UpdateProfileInput = {}
    if (nickname.trim() !== member.nickname) changes.nickname = nickname.trim()
    if (phone.trim() !== member.phone) changes.phone = phone.trim()
    if (birthday && birthday !== (member.birthday ?? '')) changes.birthday = birthday
    if (changes.nickname === undefined && changes.phone === undefined && changes.birthday === undefined) {
      onCancel()
      return
    }
    setSaving(true)
    setFormError('')
    try {
      const { member: saved } = await userService.updateProfile(changes)
      onSaved(saved)
    } catch (err) {
      setFormError(serverErrorText(err))
    } finally {
      setSaving(false)
    }
  }

  return (
    <View className='me-edit-form'>
      <View className='me-field'>
        <Text className='me-field__label'>昵称</Text>
        <Input
          className='me-field__input me-input-nickname'
          value={nickname}
          placeholder={`1–${NICKNAME_MAX} 个字`}
          clearable
          onChange={v => {
            setNickname(v)
            setFormError('')
          }}
        />
      </View>
      <View className='me-field'>
        <Text className='me-field__label'>手机号</Text>
        <Input
          className='me-field__input me-input-phone'
          type='number'
          value={phone}
          maxLength={11}
          placeholder='11 位手机号，可不填'
          clearable
          onChange={v => {
            setPhone(v)
            setFormError('')
          }}
        />
      </View>
      <View className='me-field'>
        <Text className='me-field__label'>生日</Text>
        {member.birthday ? (
          <Text className='me-field__value me-birthday'>{member.birthday}</Text>
        ) : (
          <Picker mode='date' value={birthday || '1990-01-01'} start='1900-01-01' end={todayText()} onChange={e => setBirthday(String(e.detail.value))}>
            <Text className={`me-field__value me-birthday${birthday ? '' : ' me-field__value--empty'}`}>{birthday || '选填，设置后不能修改'}</Text>
          </Picker>
        )}
      </View>
      {formError ? <Text className='me-form-error'>{formError}</Text> : null}
      <View className='me-edit-form__actions'>
        <Button className='me-cancel' fill='outline' disabled={saving} onClick={onCancel}>
          取消
        </Button>
        <Button className='me-save' type='primary' loading={saving} disabled={saving} onClick={() => void save()}>
          保存
        </Button>
      </View>
    </View>
  )
}
