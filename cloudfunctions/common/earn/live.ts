// The published campaigns of a kind (sign-in, tasks), cached per function instance like the scan
// path's campaigns (CODES_CACHE_MS, default 5 s): a member's sign-in or task list then reads no
// campaign at all, and an operator's publish is seen within the cache time.
import { getDb } from '../cloud';
import { COLLECTIONS, type Campaign, type Kind } from '../campaigns/model';

const cacheMs = () => Number(process.env.CODES_CACHE_MS ?? 5_000);
const cache = new Map<Kind, { at: number; list: Campaign[] }>();
/** At most this many live campaigns of one kind are considered (a task centre of 100 tasks). */
const MAX_LIVE = 100;

export async function liveCampaigns(kind: Kind): Promise<Campaign[]> {
  const hit = cache.get(kind);
  // A monotonic clock: a wall clock set back (NTP, a test's fake Date) must not keep a stale list.
  if (hit && performance.now() - hit.at < cacheMs()) return hit.list;
  const { data } = await getDb().collection(COLLECTIONS.campaigns).where({ kind, status: 'published' }).limit(MAX_LIVE).get();
  const list = data as Campaign[];
  cache.set(kind, { at: performance.now(), list });
  return list;
}

/** Drops the cached list (this instance just published or ended one). */
export const forgetLive = (kind: Kind) => void cache.delete(kind);
