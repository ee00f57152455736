import Taro from '@tarojs/taro'
import { useEffect, useState } from 'react'
import { ensureCloud } from './cloud'

// Files kept in cloud storage (an item's pictures: `cloud://<env>/<path>` fileIDs) → an address an
// <Image> can show. The one place pages turn a fileID into a URL:
//   weapp → Taro.cloud.getTempFileURL (cached; the <Image> shows the fileID itself meanwhile, which
//           the mini-program's Image also understands)
//   h5    → the local cloud's copy, GET /api/local/files/<path> (local/server/server.ts)
// Anything else (https://…, a bundled asset) is already an address.

const CLOUD = /^cloud:\/\/[^/]+\/(.+)$/
const temp = new Map<string, string>()

/** The address to show now (H5: final; weapp: the cached temporary URL, else the fileID). */
export function fileUrl(src: string): string {
  const m = CLOUD.exec(src)
  if (!m) return src
  if (process.env.TARO_ENV === 'h5') return '/api/local/files/' + m[1].split('/').map(encodeURIComponent).join('/')
  return temp.get(src) ?? src
}

/** weapp: asks for temporary URLs of the fileIDs not yet known (one request for all of them). */
export async function resolveFileUrls(srcs: string[]): Promise<void> {
  if (process.env.TARO_ENV === 'h5') return
  const ask = [...new Set(srcs.filter(s => CLOUD.test(s) && !temp.has(s)))]
  if (!ask.length) return
  try {
    ensureCloud()
    const r = await Taro.cloud.getTempFileURL({ fileList: ask })
    for (const f of r.fileList ?? []) if (f.tempFileURL) temp.set(f.fileID, f.tempFileURL)
  } catch {
    // The fileID itself stays on screen; Image loads cloud:// directly in the mini-program.
  }
}

/** The address of one stored file for an <Image>, updated when a temporary URL arrives (weapp). */
export function useFileUrl(src: string | undefined): string {
  const [, bump] = useState(0)
  useEffect(() => {
    if (!src || process.env.TARO_ENV === 'h5' || temp.has(src) || !CLOUD.test(src)) return
    let live = true
    void resolveFileUrls([src]).then(() => live && bump(n => n + 1))
    return () => {
      live = false
    }
  }, [src])
  return src ? fileUrl(src) : ''
}
