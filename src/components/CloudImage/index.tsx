import { Image } from '@tarojs/components'
import { useFileUrl } from '../../services/files'

// An <Image> of a stored file (a cloud fileID or an address): src/services/files.ts decides the URL.
export default function CloudImage(props: { src: string; className?: string; mode?: 'aspectFill' | 'aspectFit' | 'widthFix' }) {
  const url = useFileUrl(props.src)
  return <Image className={props.className} src={url} mode={props.mode ?? 'aspectFill'} />
}
