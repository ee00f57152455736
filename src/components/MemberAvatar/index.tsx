import { Avatar } from '../nutui'
import { avatarInitial } from '../../utils/profile'
import type { Member } from '../../services/types'

interface Props {
  member: Pick<Member, 'nickname' | 'avatarUrl'>
  size?: 'large' | 'normal' | 'small'
  className?: string
}

/** The member's picture, or a circle with the nickname's first character when there is none. */
export default function MemberAvatar({ member, size = 'large', className = '' }: Props) {
  if (member.avatarUrl) {
    return <Avatar className={className} size={size} shape='round' src={member.avatarUrl} />
  }
  return (
    <Avatar className={className} size={size} shape='round' background='#fa2c19' color='#ffffff'>
      {avatarInitial(member.nickname)}
    </Avatar>
  )
}
