import emptyImage from '../../assets/empty.png'
import { Empty } from '../nutui'
import './index.scss'

interface Props {
  className?: string
  title?: string
  description: string
}

/** NutUI Empty with our own picture (its default loads from a CDN, which fails offline). */
export default function EmptyState({ className = '', title, description }: Props) {
  return <Empty className={`empty-state ${className}`} image={emptyImage as string} imageSize={120} title={title} description={description} />
}
