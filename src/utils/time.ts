// Dates as the member sees them: Asia/Shanghai (UTC+8, no DST) whatever zone the device is set to,
// the same day boundaries the server uses (cloudfunctions/common/time.ts).

const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000

const pad = (n: number) => String(n).padStart(2, '0')

/** The instant shifted so its UTC fields read as Shanghai wall-clock time; null if unparsable. */
function shanghaiFields(iso: string): Date | null {
  const t = Date.parse(iso)
  return Number.isNaN(t) ? null : new Date(t + SHANGHAI_OFFSET_MS)
}

/** ISO instant → YYYY-MM-DD in Asia/Shanghai; '' if unparsable. */
export function formatShanghaiDate(iso: string): string {
  const d = shanghaiFields(iso)
  if (!d) return ''
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`
}

/** ISO instant → YYYY-MM-DD HH:mm in Asia/Shanghai; '' if unparsable. */
export function formatShanghaiDateTime(iso: string): string {
  const d = shanghaiFields(iso)
  if (!d) return ''
  return `${formatShanghaiDate(iso)} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`
}

/** Today's date in Asia/Shanghai, YYYY-MM-DD. */
export function shanghaiToday(now = Date.now()): string {
  return formatShanghaiDate(new Date(now).toISOString())
}
