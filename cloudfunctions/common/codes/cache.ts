// Products and campaigns change rarely and every scan needs them: a function instance keeps them
// for a few seconds. An operator's change is seen at once by the instance that made it and within
// 5 s (CODES_CACHE_MS) by the others (docs/codes.md). Batches (active / void) are never cached.
import { getDb } from '../cloud';

/** CODES_CACHE_MS in the function's environment overrides it (tests of operator changes set 0). */
const cacheMs = () => Number(process.env.CODES_CACHE_MS ?? 5_000);
const cache = new Map<string, { at: number; value: unknown }>();

export async function cachedDoc<T>(collection: string, id: string): Promise<T | null> {
  const key = `${collection}/${id}`;
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < cacheMs()) return hit.value as T | null;
  const { data } = await getDb().collection(collection).doc(id).get();
  cache.set(key, { at: Date.now(), value: data ?? null });
  return (data as T) ?? null;
}

export function forget(collection: string, id: string): void {
  cache.delete(`${collection}/${id}`);
}
