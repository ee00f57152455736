import { Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react'
import { Button } from '../../../components/nutui'
import { ErrorView, LoadingView } from '../../../components/StatusViews'
import { describeError, isCloudError } from '../../../services/errors'
import { whoami, type Operator, type OpsRole } from '../../../services/ops'
import { useMember } from '../../../store/member'
import { OPS_SECTIONS } from './nav'
import './ops-shell.scss'

const RANK: Record<OpsRole, number> = { viewer: 0, operator: 1, owner: 2 }

export interface OpsRoleValue {
  operator: Operator
  role: OpsRole
  /** May this operator do what needs `needed` (default 'operator': any change)? */
  can: (needed?: OpsRole) => boolean
}

const OpsRoleContext = createContext<OpsRoleValue | null>(null)

/** The operator's role inside an OpsShell (the console's pages only render inside one). */
export function useOpsRole(): OpsRoleValue {
  const v = useContext(OpsRoleContext)
  if (!v) throw new Error('useOpsRole outside OpsShell')
  return v
}

// One whoami per signed-in identity: every console page asks, the answer is the same until the
// member (or the H5 persona) changes.
let cached: { generation: number; promise: Promise<Operator> } | null = null
function whoamiFor(generation: number): Promise<Operator> {
  if (!cached || cached.generation !== generation) {
    const promise = whoami()
    cached = { generation, promise }
    promise.catch(() => {
      if (cached?.promise === promise) cached = null
    })
  }
  return cached.promise
}

interface Props {
  /** The section this page belongs to (nav.ts); child pages pass their parent's. */
  active: string
  title: string
  /** Buttons on the right of the page header (新建, 导出 …). */
  actions?: ReactNode
  children: ReactNode
}

/**
 * The console's frame: checks with the server that the caller is an operator before anything of the
 * console is shown; then a side navigation (desktop, ≥ 1024 px) or a section strip (phone), the page
 * header with the operator's name and role, and the page.
 */
export default function OpsShell({ active, title, actions, children }: Props) {
  const member = useMember()
  const [operator, setOperator] = useState<Operator | null>(null)
  const [error, setError] = useState<unknown>(null)
  const [attempt, setAttempt] = useState(0)

  useEffect(() => {
    setOperator(null)
    setError(null)
    if (member.status !== 'ready') return
    let live = true
    whoamiFor(member.generation).then(
      op => live && setOperator(op),
      e => live && setError(e)
    )
    return () => {
      live = false
    }
  }, [member.status, member.generation, attempt])

  const go = (path: string, key: string) => {
    if (key === active) return
    void Taro.redirectTo({ url: path })
  }

  if (member.status === 'error') {
    return <ErrorView prefix='ops' message={describeError(member.error)} onRetry={() => void member.reload()} />
  }
  if (error) {
    const forbidden = isCloudError(error) && error.code === 'FORBIDDEN'
    return forbidden ? (
      <View className='ops-refused'>
        <Text className='ops-refused__title'>仅运营人员可以访问</Text>
        <Text className='ops-refused__hint'>运营后台只对品牌的运营人员开放。如需开通，请联系品牌负责人。</Text>
        <Button className='ops-refused__home' size='small' type='primary' onClick={() => void Taro.switchTab({ url: '/pages/index/index' })}>
          返回首页
        </Button>
      </View>
    ) : (
      <ErrorView prefix='ops' message={describeError(error)} onRetry={() => setAttempt(a => a + 1)} />
    )
  }
  if (!operator) return <LoadingView className='ops-loading' rows={6} />

  const value: OpsRoleValue = { operator, role: operator.role, can: (needed = 'operator') => RANK[operator.role] >= RANK[needed] }
  return (
    <OpsRoleContext.Provider value={value}>
      <View className='ops-shell'>
        <View className='ops-shell__nav'>
          <View className='ops-shell__brand'>
            <Text className='ops-shell__brand-name'>山野茶事</Text>
            <Text className='ops-shell__brand-sub'>运营后台</Text>
          </View>
          <View className='ops-shell__sections'>
            {OPS_SECTIONS.map(s => (
              <View
                key={s.key}
                className={`ops-shell__section ops-nav-${s.key} ${s.key === active ? 'ops-shell__section--active' : ''}`}
                onClick={() => go(s.path, s.key)}
              >
                <Text>{s.label}</Text>
              </View>
            ))}
          </View>
        </View>
        <View className='ops-shell__main'>
          <View className='ops-shell__header'>
            <View className='ops-shell__heading'>
              <Text className='ops-shell__title'>{title}</Text>
              <Text className='ops-shell__who ops-who'>
                {operator.name || '运营人员'} · {operator.roleLabel}
                {operator.role === 'viewer' ? '（只读）' : ''}
              </Text>
            </View>
            {actions ? <View className='ops-shell__actions'>{actions}</View> : null}
          </View>
          <View className='ops-shell__content'>{children}</View>
        </View>
      </View>
    </OpsRoleContext.Provider>
  )
}
