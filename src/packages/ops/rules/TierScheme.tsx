import { Text, View } from '@tarojs/components'
import { useEffect, useState } from 'react'
import { Button } from '../../../components/nutui'
import { ErrorView } from '../../../components/StatusViews'
import { useAsync } from '../../../hooks/useAsync'
import { describeError } from '../../../services/errors'
import { saveTierScheme, tierScheme, type TierLevel, type TierScheme as Scheme } from '../../../services/ops-rules'
import { checkInt, checkNum, NumberInput, only, Rows, TextInput, toInt, toNum } from '../campaign/parts'
import OpsField from '../shell/OpsField'
import OpsFormEnd from '../shell/OpsFormEnd'
import { FORM, fieldErrors, type FieldErrors } from '../shell/forms'

// 会员等级方案: the tiers (threshold, earn and sign-in multipliers, birthday points), growth per ¥1
// of orders, the cycle and its reminder. Other benefits (extra plays, exclusive items) are kept as
// they are. Errors come back per row as `tiers.<i>.<field>`.
interface Row {
  level: string
  name: string
  minGrowth: string
  earn: string
  signin: string
  birthday: string
  keep: Omit<TierLevel['benefits'], 'earnMultiplier' | 'signinMultiplier' | 'birthdayPoints'>
}

const rowOf = (t: TierLevel): Row => {
  const { earnMultiplier, signinMultiplier, birthdayPoints, ...keep } = t.benefits
  return { level: t.level, name: t.name, minGrowth: String(t.minGrowth), earn: String(earnMultiplier), signin: String(signinMultiplier), birthday: String(birthdayPoints ?? 0), keep }
}

export default function TierSchemeCard({ readOnly }: { readOnly: boolean }) {
  const loaded = useAsync(tierScheme)
  const [rows, setRows] = useState<Row[]>([])
  const [perYuan, setPerYuan] = useState('1')
  const [cycle, setCycle] = useState('12')
  const [remind, setRemind] = useState('15')
  const [errors, setErrors] = useState<FieldErrors>({})
  const [notice, setNotice] = useState('')
  const [busy, setBusy] = useState(false)

  const fill = (s: Scheme) => {
    setRows(s.tiers.map(rowOf))
    setPerYuan(String(s.growth.orderPerYuan))
    setCycle(String(s.cycleMonths))
    setRemind(String(s.remindDays))
  }
  useEffect(() => {
    void loaded.run().then(s => s && fill(s))
  }, [])

  const check = (): FieldErrors => {
    const e: Record<string, string | undefined> = {
      'growth.orderPerYuan': checkInt(perYuan, '每元成长值', 0, 100),
      cycleMonths: checkInt(cycle, '等级周期', 1, 24),
      remindDays: checkInt(remind, '提醒天数', 0, 60),
      tiers: rows.length === 0 ? '至少设置一个等级' : toInt(rows[0].minGrowth) !== 0 ? '第一个等级的成长值门槛须为 0' : undefined
    }
    rows.forEach((r, i) => {
      e[`tiers.${i}.level`] = /^[\w-]{1,32}$/.test(r.level.trim()) ? undefined : '等级编号为 1 至 32 位字母、数字、_ 或 -'
      e[`tiers.${i}.name`] = r.name.trim() && [...r.name.trim()].length <= 10 ? undefined : '等级名称为 1 至 10 个字'
      e[`tiers.${i}.minGrowth`] = checkInt(r.minGrowth, '成长值门槛', 0, 100000000) ?? (i > 0 && toInt(r.minGrowth) <= toInt(rows[i - 1].minGrowth) ? '成长值门槛须逐级升高' : undefined)
      e[`tiers.${i}.benefits.earnMultiplier`] = checkNum(r.earn, '积分倍数', 1, 10)
      e[`tiers.${i}.benefits.signinMultiplier`] = checkNum(r.signin, '签到倍数', 1, 10)
      e[`tiers.${i}.benefits.birthdayPoints`] = checkInt(r.birthday, '生日积分', 0, 100000)
    })
    return only(e)
  }

  const save = async () => {
    const e = check()
    setErrors(e)
    setNotice('')
    if (Object.keys(e).length) return
    setBusy(true)
    try {
      const scheme: Scheme = {
        tiers: rows.map(r => ({
          level: r.level.trim(),
          name: r.name.trim(),
          minGrowth: toInt(r.minGrowth),
          benefits: { ...r.keep, earnMultiplier: toNum(r.earn), signinMultiplier: toNum(r.signin), birthdayPoints: toInt(r.birthday) }
        })),
        growth: { orderPerYuan: toInt(perYuan), scan: 0, signin: 0 },
        cycleMonths: toInt(cycle),
        remindDays: toInt(remind)
      }
      const saved = await saveTierScheme(scheme)
      fill(saved)
      setNotice(`已保存（第 ${saved.version} 版）`)
    } catch (err) {
      const fe = fieldErrors(err)
      setErrors({ ...fe, [FORM]: Object.values(fe)[0] })
    } finally {
      setBusy(false)
    }
  }

  const rowError = (i: number) => Object.entries(errors).find(([k]) => k.startsWith(`tiers.${i}.`))?.[1]

  return (
    <View className='ops-card ops-rules-tiers'>
      <Text className='ops-card__title'>会员等级方案</Text>
      {loaded.error && !loaded.data ? <ErrorView prefix='ops-tiers' message={describeError(loaded.error)} onRetry={() => void loaded.run().then(s => s && fill(s))} /> : null}
      {loaded.data ? (
        <>
          <Text className='ops-rules__hint'>
            会员按周期内累计的成长值定级；积分倍数作用于消费积分，签到倍数作用于签到与任务。当前为第 {loaded.data.version ?? 0} 版。
          </Text>
          <OpsField name='tiers' label='等级' error={errors.tiers} hint='从低到高；第一个等级门槛为 0'>
            <Rows
              name='tiers'
              items={rows}
              readOnly={readOnly}
              max={8}
              addLabel='添加等级'
              blank={(): Row => ({ level: '', name: '', minGrowth: '', earn: '1', signin: '1', birthday: '0', keep: {} })}
              onChange={setRows}
              render={(r, set) => {
                const i = rows.indexOf(r)
                return (
                  <View className='ops-tier'>
                    <View className='ops-tier__inputs'>
                      <TextInput name='tier-level' value={r.level} readOnly={readOnly} placeholder='编号，如 gold' onChange={level => set({ ...r, level })} />
                      <TextInput name='tier-name' value={r.name} readOnly={readOnly} placeholder='名称，如 金卡会员' onChange={name => set({ ...r, name })} />
                      <NumberInput name='tier-growth' value={r.minGrowth} readOnly={readOnly} placeholder='成长值门槛' onChange={minGrowth => set({ ...r, minGrowth })} />
                      <NumberInput name='tier-earn' digit value={r.earn} readOnly={readOnly} placeholder='积分倍数' onChange={earn => set({ ...r, earn })} />
                      <NumberInput name='tier-signin' digit value={r.signin} readOnly={readOnly} placeholder='签到倍数' onChange={signin => set({ ...r, signin })} />
                      <NumberInput name='tier-birthday' value={r.birthday} readOnly={readOnly} placeholder='生日积分' onChange={birthday => set({ ...r, birthday })} />
                    </View>
                    <Text className='ops-tier__caption'>
                      编号 · 名称 · 成长值门槛 · 积分倍数 · 签到倍数 · 生日积分
                    </Text>
                    {i >= 0 && rowError(i) ? <Text className={`ops-field__error ops-tier-error ops-tier-${i}-error`}>{rowError(i)}</Text> : null}
                  </View>
                )
              }}
            />
          </OpsField>
          <OpsField name='growth-orderPerYuan' label='每元成长值' error={errors['growth.orderPerYuan']} hint='消费每 1 元得多少成长值'>
            <NumberInput name='perYuan' value={perYuan} readOnly={readOnly} onChange={setPerYuan} />
          </OpsField>
          <OpsField name='cycleMonths' label='等级周期（月）' error={errors.cycleMonths} hint='周期结束时按周期内成长值重新定级'>
            <NumberInput name='cycle' value={cycle} readOnly={readOnly} onChange={setCycle} />
          </OpsField>
          <OpsField name='remindDays' label='到期提醒（天）' error={errors.remindDays} hint='周期结束前几天提醒会员保级'>
            <NumberInput name='remind' value={remind} readOnly={readOnly} onChange={setRemind} />
          </OpsField>
          <OpsFormEnd name='tiers' error={errors[FORM]} notice={notice}>
            <Button className='ops-tiers-save' type='primary' size='small' disabled={readOnly} loading={busy} onClick={() => void save()}>
              保存等级方案
            </Button>
          </OpsFormEnd>
        </>
      ) : null}
    </View>
  )
}
