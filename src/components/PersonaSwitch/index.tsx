// H5 + local server only: pick who you are (顾客 / 运营 personas seeded by the local cloud). Pages
// render this behind `process.env.TARO_ENV === 'h5'`, so the mini-program build drops it.
import { Text, View } from '@tarojs/components'
import { useEffect, useState } from 'react'
import { describeError } from '../../services/errors'
import { getPersonaId, listPersonas, setPersonaId } from '../../services/persona'
import type { PersonaList } from '../../services/types'
import { useMember } from '../../store/member'
import './index.scss'

interface Props {
  /** 'corner' floats in the top-right of 首页; 'block' sits in the flow of 我的. */
  variant?: 'corner' | 'block'
}

const ROLE_TEXT: Record<string, string> = { shopper: '顾客', operator: '运营' }

export default function PersonaSwitch({ variant = 'block' }: Props) {
  const { reload, generation } = useMember()
  const [list, setList] = useState<PersonaList | null>(null)
  const [error, setError] = useState('')
  const [open, setOpen] = useState(false)
  const [currentId, setCurrentId] = useState(getPersonaId())

  const load = () => {
    setError('')
    listPersonas()
      .then(setList)
      .catch(err => setError(describeError(err)))
  }
  useEffect(load, [])
  // 首页 and 我的 each hold a switch (tab pages stay mounted): follow a switch made on the other one.
  useEffect(() => setCurrentId(getPersonaId()), [generation])

  const activeId = currentId || list?.defaultId || ''
  const active = list?.personas.find(p => p.id === activeId)

  const choose = (id: string) => {
    setOpen(false)
    if (id === activeId) return
    setPersonaId(id)
    setCurrentId(id)
    void reload()
  }

  if (error) {
    return (
      <View className={`persona-switch persona-switch--${variant} persona-switch--error`} onClick={load}>
        <Text className='persona-switch__label'>本地身份不可用，点此重试</Text>
      </View>
    )
  }

  return (
    <View className={`persona-switch persona-switch--${variant}`} data-persona={activeId}>
      <View className='persona-switch__current' onClick={() => setOpen(!open)}>
        <Text className='persona-switch__label'>本地身份</Text>
        <Text className='persona-switch__name'>{active ? active.nickname : list ? activeId : '加载中…'}</Text>
        <Text className='persona-switch__caret'>{open ? '▲' : '▼'}</Text>
      </View>
      {open && list ? (
        <View className='persona-switch__list'>
          {list.personas.map(p => (
            <View
              key={p.id}
              className={`persona-option persona-option--${p.id}${p.id === activeId ? ' persona-option--active' : ''}`}
              data-persona={p.id}
              onClick={() => choose(p.id)}
            >
              <View className='persona-option__title'>
                <Text className='persona-option__name'>{p.nickname}</Text>
                <Text className='persona-option__role'>{ROLE_TEXT[p.role] ?? p.role}</Text>
              </View>
              <Text className='persona-option__desc'>{p.description}</Text>
            </View>
          ))}
        </View>
      ) : null}
    </View>
  )
}
