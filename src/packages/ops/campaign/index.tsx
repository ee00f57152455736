import { Text, View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { useEffect, useState } from 'react'
import { Button } from '../../../components/nutui'
import { ErrorView, LoadingView } from '../../../components/StatusViews'
import { useAsync } from '../../../hooks/useAsync'
import { describeError, isCloudError } from '../../../services/errors'
import {
  campaignDiff,
  endCampaign,
  getCampaign,
  publishCampaign,
  saveCampaign,
  simulateCampaign,
  validateCampaign,
  type Campaign,
  type CampaignContent,
  type CampaignKind,
  type CampaignVersion
} from '../../../services/ops-rules'
import { formatShanghaiDateTime } from '../../../utils/time'
import OpsFormEnd from '../shell/OpsFormEnd'
import OpsShell, { useOpsRole } from '../shell/OpsShell'
import { FORM, fieldErrors, type FieldErrors } from '../shell/forms'
import { checkCommon, commonOf, CommonFields, contentOf, type Common } from './common'
import { KIND_FORMS } from './kinds'
import { Chips, type Rule } from './parts'
import { DiffView, SimulationView } from './steps'
import './index.scss'

// 运营后台 · 活动编辑 (?id=; none = new): the campaign's form (common fields + its kind's plug-in
// form), saved as a draft; then validate → simulate → diff → publish; end. A viewer sees it read-only.
export default function OpsCampaignPage() {
  const id = useRouter().params.id
  return (
    <OpsShell active='campaigns' title={id ? '活动编辑' : '新建活动'}>
      <Editor id={id ? decodeURIComponent(id) : ''} />
    </OpsShell>
  )
}

const STATUS = { draft: '草稿（未发布）', published: '进行中', ended: '已结束' } as const
const SIMULATED: CampaignKind[] = ['scan', 'signin', 'order']

/** The server's own reason when it wrote one in Chinese (publish refusals), else the code's text. */
const chineseMessage = (e: unknown) => (isCloudError(e) && /[\u4e00-\u9fff]/.test(e.serverMessage) ? e.serverMessage : describeError(e))

function Editor({ id }: { id: string }) {
  const { can } = useOpsRole()
  const readOnly = !can('operator')
  const loaded = useAsync(getCampaign)
  const [campaignId, setCampaignId] = useState(id)
  const [kind, setKind] = useState<CampaignKind>('scan')
  const [common, setCommon] = useState<Common>(commonOf('', null))
  const [edit, setEdit] = useState<Rule>(KIND_FORMS.scan.fromRule({}))
  const [errors, setErrors] = useState<FieldErrors>({})
  const [notice, setNotice] = useState('')
  const [busy, setBusy] = useState('')
  const check = useAsync(validateCampaign)
  const sim = useAsync(simulateCampaign)
  const diff = useAsync(campaignDiff)
  const [confirm, setConfirm] = useState<'' | 'publish' | 'end'>('')

  const creating = !campaignId
  const campaign: Campaign | null = loaded.data?.campaign ?? null
  const versions: CampaignVersion[] = loaded.data?.versions ?? []

  const load = async (which: string) => {
    const r = await loaded.run(which)
    if (!r) return
    const draft = r.campaign.draft ? r.versions.find(v => v.version === r.campaign.draft) : null
    const content: CampaignContent = draft ?? r.campaign
    setKind(r.campaign.kind)
    setCommon(commonOf(r.campaign._id, content))
    setEdit(KIND_FORMS[r.campaign.kind].fromRule(content.rule))
  }

  useEffect(() => {
    if (campaignId) void load(campaignId)
  }, [campaignId])

  const resetSteps = () => {
    check.reset()
    sim.reset()
    diff.reset()
    setConfirm('')
  }

  const form = KIND_FORMS[kind]
  const pickKind = (k: CampaignKind) => {
    setKind(k)
    setEdit(KIND_FORMS[k].fromRule({}))
    setErrors({})
  }

  const save = async () => {
    const e = { ...checkCommon(common, creating), ...form.check(edit) }
    setErrors(e)
    setNotice('')
    if (Object.keys(e).length) return
    setBusy('save')
    try {
      const id = creating ? common.id.trim() : campaignId
      await saveCampaign({ id, kind, rule: form.toRule(edit), ...contentOf(common) }, creating)
      resetSteps()
      if (creating) {
        setCampaignId(id)
        void Taro.redirectTo({ url: `/packages/ops/campaign/index?id=${encodeURIComponent(id)}` }).catch(() => undefined)
      } else await load(id)
      setNotice(creating ? '已创建草稿' : '草稿已保存') // after the reload: the status line is already the new one
    } catch (err) {
      // Next to its field, and by the button too: a rule field a form does not show (a game's pool) still reads.
      const e = fieldErrors(err)
      setErrors({ ...e, [FORM]: Object.values(e)[0] })
    } finally {
      setBusy('')
    }
  }

  const act = async (what: 'publish' | 'end') => {
    setBusy(what)
    setNotice('')
    try {
      if (what === 'publish') await publishCampaign(campaignId)
      else await endCampaign(campaignId)
      resetSteps()
      await load(campaignId)
      setNotice(what === 'publish' ? '已发布' : '活动已结束')
    } catch (err) {
      setErrors({ [FORM]: chineseMessage(err) })
    } finally {
      setBusy('')
      setConfirm('')
    }
  }

  if (!creating && loaded.loading && !loaded.data) return <LoadingView className='ops-campaign-loading' rows={6} />
  if (!creating && loaded.error && !loaded.data) return <ErrorView prefix='ops-campaign' message={describeError(loaded.error)} onRetry={() => void load(campaignId)} />

  const ended = campaign?.status === 'ended'
  const locked = readOnly || ended
  const Form = form.Form
  const kinds = (Object.keys(KIND_FORMS) as CampaignKind[]).filter(k => KIND_FORMS[k].creatable).map(k => ({ value: k, label: KIND_FORMS[k].label }))

  return (
    <View className='ops-campaign'>
      {campaign ? (
        <View className='ops-card ops-campaign-head'>
          <Text className='ops-campaign__name'>{campaign.name}</Text>
          <Text className='ops-campaign__meta ops-campaign-status'>
            {form.label} · {STATUS[campaign.status]}
            {campaign.status === 'draft' ? ` · 草稿第 ${campaign.version} 版` : ` · 线上第 ${campaign.version} 版`}
            {campaign.draft && campaign.status !== 'draft' ? ` · 待发布草稿第 ${campaign.draft} 版` : ''}
          </Text>
        </View>
      ) : null}
      {readOnly ? <Text className='ops-banner ops-readonly-hint'>只读：你的角色只能查看，不能修改</Text> : null}
      {ended ? <Text className='ops-banner'>活动已结束，不能再修改或发布</Text> : null}

      <View className='ops-card ops-campaign-form'>
        <Text className='ops-card__title'>{creating ? '新建活动' : campaign?.draft ? `编辑草稿（第 ${campaign.draft} 版）` : '编辑（保存后生成新草稿）'}</Text>
        {creating ? (
          <View className='ops-campaign__kinds'>
            <Text className='ops-field__label'>活动类型</Text>
            <Chips name='kind' options={kinds} value={kind} readOnly={locked} onChange={pickKind} />
          </View>
        ) : null}
        <CommonFields c={common} set={p => setCommon(c => ({ ...c, ...p }))} errors={errors} readOnly={locked} creating={creating} />
        <Text className='ops-card__subtitle'>{form.label}规则</Text>
        <Form rule={edit} set={p => setEdit(r => ({ ...r, ...p }))} errors={errors} readOnly={locked} />
        <OpsFormEnd name='campaign' error={errors[FORM]} notice={notice}>
          <Button className='ops-campaign-save' type='primary' size='small' disabled={locked} loading={busy === 'save'} onClick={() => void save()}>
            {creating ? '创建草稿' : '保存草稿'}
          </Button>
        </OpsFormEnd>
      </View>

      {campaign && !creating ? (
        <View className='ops-card ops-campaign-steps'>
          <Text className='ops-card__title'>发布前检查</Text>
          <View className='ops-step ops-step-validate'>
            <View className='ops-step__head'>
              <Text className='ops-step__title'>1 校验</Text>
              <Button className='ops-campaign-validate' size='small' loading={check.loading} onClick={() => void check.run(campaignId)}>
                校验草稿
              </Button>
            </View>
            {check.error ? <Text className='ops-notice ops-notice--error'>{describeError(check.error)}</Text> : null}
            {check.data ? (
              check.data.valid ? (
                <Text className='ops-step__ok ops-validate-ok'>草稿（第 {check.data.version} 版）可以发布</Text>
              ) : (
                check.data.problems.map(p => (
                  <Text key={p} className='ops-notice ops-notice--error ops-validate-problem'>
                    {p}
                  </Text>
                ))
              )
            ) : null}
          </View>

          <View className='ops-step ops-step-simulate'>
            <View className='ops-step__head'>
              <Text className='ops-step__title'>2 模拟近 30 天</Text>
              <Button className='ops-campaign-simulate' size='small' disabled={!SIMULATED.includes(kind)} loading={sim.loading} onClick={() => void sim.run(campaignId)}>
                开始模拟
              </Button>
            </View>
            {!SIMULATED.includes(kind) ? <Text className='ops-step__hint'>此类型活动没有可回放的历史记录，不支持模拟</Text> : null}
            {sim.error ? <Text className='ops-notice ops-notice--error'>{describeError(sim.error)}</Text> : null}
            {sim.data ? <SimulationView s={sim.data} /> : null}
          </View>

          <View className='ops-step ops-step-diff'>
            <View className='ops-step__head'>
              <Text className='ops-step__title'>3 对比改动</Text>
              <Button className='ops-campaign-diff' size='small' loading={diff.loading} onClick={() => void diff.run(campaignId)}>
                查看改动
              </Button>
            </View>
            {diff.error ? <Text className='ops-notice ops-notice--error'>{describeError(diff.error)}</Text> : null}
            {diff.data ? <DiffView {...diff.data} /> : null}
          </View>

          <View className='ops-step ops-step-publish'>
            <View className='ops-step__head'>
              <Text className='ops-step__title'>4 发布</Text>
              {confirm === 'publish' ? (
                <View className='ops-step__confirm'>
                  <Button className='ops-campaign-publish-confirm' type='primary' size='small' loading={busy === 'publish'} onClick={() => void act('publish')}>
                    确认发布第 {campaign.draft} 版
                  </Button>
                  <Button size='small' onClick={() => setConfirm('')}>
                    取消
                  </Button>
                </View>
              ) : (
                <Button className='ops-campaign-publish' type='primary' size='small' disabled={locked || !campaign.draft} onClick={() => setConfirm('publish')}>
                  发布
                </Button>
              )}
            </View>
            <Text className='ops-step__hint'>{campaign.draft ? '发布后会员立即按新规则得分，已发放的积分不受影响' : '没有待发布的草稿'}</Text>
          </View>

          {campaign.status === 'published' ? (
            <View className='ops-step ops-step-end'>
              <View className='ops-step__head'>
                <Text className='ops-step__title'>结束活动</Text>
                {confirm === 'end' ? (
                  <View className='ops-step__confirm'>
                    <Button className='ops-campaign-end-confirm' type='danger' size='small' loading={busy === 'end'} onClick={() => void act('end')}>
                      确认结束
                    </Button>
                    <Button size='small' onClick={() => setConfirm('')}>
                      取消
                    </Button>
                  </View>
                ) : (
                  <Button className='ops-campaign-end' size='small' disabled={locked} onClick={() => setConfirm('end')}>
                    结束
                  </Button>
                )}
              </View>
              <Text className='ops-step__hint'>结束后会员不能再在此活动中得分，已发放的积分照常有效</Text>
            </View>
          ) : null}
        </View>
      ) : null}

      {versions.length ? (
        <View className='ops-card ops-campaign-versions'>
          <Text className='ops-card__title'>版本记录</Text>
          {versions.map(v => (
            <Text key={v._id} className='ops-campaign__version'>
              第 {v.version} 版 · {v.status === 'published' ? `已发布 ${v.publishedAt ? formatShanghaiDateTime(v.publishedAt) : ''}` : `草稿 ${formatShanghaiDateTime(v.createdAt)}`}
            </Text>
          ))}
        </View>
      ) : null}
    </View>
  )
}
