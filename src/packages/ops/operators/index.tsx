import { Input, Picker, Text, View } from '@tarojs/components'
import { useEffect, useState } from 'react'
import { Button } from '../../../components/nutui'
import { ErrorView, LoadingView } from '../../../components/StatusViews'
import { useAsync } from '../../../hooks/useAsync'
import { describeError, isCloudError } from '../../../services/errors'
import { listOperators, saveOperator, type Operator, type OpsRole } from '../../../services/ops'
import { formatShanghaiDate } from '../../../utils/time'
import OpsField from '../shell/OpsField'
import OpsFormEnd from '../shell/OpsFormEnd'
import OpsShell, { useOpsRole } from '../shell/OpsShell'
import OpsTable, { type OpsColumn } from '../shell/OpsTable'
import { checkText, FORM, fieldErrors, type FieldErrors } from '../shell/forms'
import './index.scss'

const ROLES: { value: OpsRole; label: string; hint: string }[] = [
  { value: 'owner', label: '负责人', hint: '全部功能，并管理运营人员' },
  { value: 'operator', label: '运营', hint: '日常运营：活动、商品、发货、风控' },
  { value: 'viewer', label: '只读', hint: '只能查看，不能修改' }
]

interface Form {
  openid: string
  name: string
  role: OpsRole
  disabled: boolean
  /** Editing an existing operator (the OPENID is then fixed). */
  existing: boolean
}

const EMPTY: Form = { openid: '', name: '', role: 'operator', disabled: false, existing: false }

// 运营后台 · 人员与权限: the owner adds operators by OPENID, sets their role, disables them. Everyone
// else sees their own role and who to ask. The server enforces all of it (FORBIDDEN otherwise).
export default function OpsOperatorsPage() {
  return (
    <OpsShell active='operators' title='人员与权限'>
      <Operators />
    </OpsShell>
  )
}

function Operators() {
  const { operator, can } = useOpsRole()
  const list = useAsync(listOperators)
  const [form, setForm] = useState<Form>(EMPTY)
  const [errors, setErrors] = useState<FieldErrors>({})
  const [saving, setSaving] = useState(false)
  const [notice, setNotice] = useState('')
  const owner = can('owner')

  useEffect(() => {
    if (owner) void list.run()
  }, [owner])

  if (!owner) {
    return (
      <View className='ops-card ops-operators-self'>
        <Text className='ops-card__title'>我的权限</Text>
        <Text className='ops-operators__line'>
          {operator.name || '运营人员'} · {operator.roleLabel}
        </Text>
        <Text className='ops-operators__hint'>只有负责人可以添加运营人员或调整权限，如需调整请联系品牌负责人。</Text>
      </View>
    )
  }

  const validate = (f: Form): FieldErrors => {
    const e: FieldErrors = {}
    if (!/^[\w-]{6,64}$/.test(f.openid.trim())) e.openid = 'OPENID 为 6 至 64 位字母、数字、_ 或 -'
    else if (f.openid.trim() === operator.openid) e.openid = '不能修改自己的权限，请让另一位负责人操作'
    const name = checkText(f.name, '姓名', { required: true, max: 20 })
    if (name) e.name = name
    return e
  }

  const submit = async () => {
    const e = validate(form)
    setErrors(e)
    setNotice('')
    if (Object.keys(e).length) return
    setSaving(true)
    try {
      await saveOperator({ openid: form.openid.trim(), name: form.name.trim(), role: form.role, disabled: form.disabled })
      setNotice(form.existing ? '已保存' : '已添加')
      setForm(EMPTY)
      await list.run()
    } catch (err) {
      setErrors(fieldErrors(err))
    } finally {
      setSaving(false)
    }
  }

  const columns: OpsColumn<Operator>[] = [
    { key: 'name', title: '姓名', render: o => o.name || '未填写' },
    { key: 'role', title: '角色', render: o => o.roleLabel },
    { key: 'state', title: '状态', render: o => (o.disabled ? '已停用' : '正常') },
    { key: 'createdAt', title: '加入时间', render: o => (o.createdAt ? formatShanghaiDate(o.createdAt) : '—') },
    {
      key: 'edit',
      title: '操作',
      render: o =>
        o.openid === operator.openid ? (
          <Text className='ops-operators__self'>本人</Text>
        ) : (
          <Text className='ops-link ops-operators-edit' onClick={() => setForm({ openid: o.openid, name: o.name, role: o.role, disabled: o.disabled, existing: true })}>
            修改
          </Text>
        )
    }
  ]
  const forbidden = isCloudError(list.error) && list.error.code === 'FORBIDDEN'

  return (
    <View className='ops-operators'>
      {list.loading && !list.data ? <LoadingView className='ops-operators-loading' rows={4} /> : null}
      {list.error && !list.data ? (
        <ErrorView prefix='ops-operators' message={describeError(list.error)} onRetry={forbidden ? undefined : () => void list.run()} />
      ) : null}
      {list.data ? <OpsTable className='ops-operators-table' columns={columns} rows={list.data.items} rowKey={o => o.openid} empty='还没有运营人员' /> : null}

      <View className='ops-card ops-operators-form'>
        <Text className='ops-card__title'>{form.existing ? `修改 ${form.name || '运营人员'}` : '添加运营人员'}</Text>
        <OpsField name='openid' label='OPENID' required error={errors.openid} hint='请对方在小程序「我的」页打开本地身份或联系技术人员获取'>
          <Input
            className='ops-input ops-operators-openid'
            value={form.openid}
            disabled={form.existing}
            maxlength={64}
            placeholder='对方的 OPENID'
            onInput={e => setForm(f => ({ ...f, openid: e.detail.value }))}
          />
        </OpsField>
        <OpsField name='name' label='姓名' required error={errors.name}>
          <Input className='ops-input ops-operators-name' value={form.name} maxlength={40} placeholder='如：张敏（华东区）' onInput={e => setForm(f => ({ ...f, name: e.detail.value }))} />
        </OpsField>
        <OpsField name='role' label='角色' error={errors.role} hint={ROLES.find(r => r.value === form.role)?.hint}>
          <Picker mode='selector' range={ROLES.map(r => r.label)} value={ROLES.findIndex(r => r.value === form.role)} onChange={e => setForm(f => ({ ...f, role: ROLES[Number(e.detail.value)].value }))}>
            <View className='ops-input ops-operators-role'>{ROLES.find(r => r.value === form.role)?.label}</View>
          </Picker>
        </OpsField>
        {form.existing ? (
          <OpsField name='disabled' label='状态'>
            <View className='ops-operators__toggle'>
              <Text className={`ops-chip ${!form.disabled ? 'ops-chip--on' : ''}`} onClick={() => setForm(f => ({ ...f, disabled: false }))}>
                正常
              </Text>
              <Text className={`ops-chip ops-operators-disable ${form.disabled ? 'ops-chip--on' : ''}`} onClick={() => setForm(f => ({ ...f, disabled: true }))}>
                停用
              </Text>
            </View>
          </OpsField>
        ) : null}
        <OpsFormEnd name='operators' error={errors[FORM]} notice={notice}>
          <Button className='ops-operators-save' type='primary' size='small' loading={saving} onClick={() => void submit()}>
            {form.existing ? '保存' : '添加'}
          </Button>
          {form.existing ? (
            <Button size='small' onClick={() => setForm(EMPTY)}>
              取消
            </Button>
          ) : null}
        </OpsFormEnd>
      </View>
    </View>
  )
}
