// Day boundaries are Asia/Shanghai (UTC+8, no DST) whatever zone the machine runs in.
const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;

/** YYYY-MM-DD of the Shanghai calendar day containing `at`. */
export function shanghaiDay(at: Date | number = Date.now()): string {
  const t = typeof at === 'number' ? at : at.getTime();
  return new Date(t + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant a Shanghai calendar day starts (00:00 UTC+8). */
export function shanghaiDayStart(day: string): Date {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new Error(`not a day: ${day}`);
  return new Date(Date.parse(`${day}T00:00:00.000Z`) - SHANGHAI_OFFSET_MS);
}
