/**
 * Sorted set of distinct keys kept as a list of bounded chunks (the "sortedcontainers" layout):
 * insert/delete are O(log n) to find plus a splice inside one chunk of at most 2*LOAD keys, plus a
 * rare splice of the chunk directory (n / LOAD entries). No O(n) work per insert at 1M keys, and
 * ordered range iteration without any rebuild.
 */
export type Cmp<K> = (a: K, b: K) => number;

export interface Bound<K> {
  value: K;
  inclusive: boolean;
}

const LOAD = 512;

export class SortedList<K> {
  private chunks: K[][] = [];
  private maxes: K[] = [];
  size = 0;

  constructor(private readonly cmp: Cmp<K>) {}

  /** Index of the first chunk whose max >= k (chunks.length when k is beyond every chunk). */
  private chunkFor(k: K): number {
    const maxes = this.maxes;
    let lo = 0;
    let hi = maxes.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cmp(maxes[mid], k) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private static lowerBound<K>(arr: K[], k: K, cmp: Cmp<K>): number {
    let lo = 0;
    let hi = arr.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cmp(arr[mid], k) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  has(k: K): boolean {
    const ci = this.chunkFor(k);
    if (ci === this.chunks.length) return false;
    const ch = this.chunks[ci];
    const pos = SortedList.lowerBound(ch, k, this.cmp);
    return pos < ch.length && this.cmp(ch[pos], k) === 0;
  }

  /** Adds k; returns false when it was already present. */
  insert(k: K): boolean {
    const { chunks, maxes, cmp } = this;
    if (chunks.length === 0) {
      chunks.push([k]);
      maxes.push(k);
      this.size = 1;
      return true;
    }
    let ci = this.chunkFor(k);
    if (ci === chunks.length) ci--;
    const ch = chunks[ci];
    const last = ch.length - 1;
    // Fast path for appends (timestamps, counters).
    if (cmp(ch[last], k) < 0) {
      ch.push(k);
    } else {
      const pos = SortedList.lowerBound(ch, k, cmp);
      if (pos < ch.length && cmp(ch[pos], k) === 0) return false;
      ch.splice(pos, 0, k);
    }
    maxes[ci] = ch[ch.length - 1];
    this.size++;
    if (ch.length > 2 * LOAD) {
      const half = ch.splice(LOAD);
      chunks.splice(ci + 1, 0, half);
      maxes[ci] = ch[ch.length - 1];
      maxes.splice(ci + 1, 0, half[half.length - 1]);
    }
    return true;
  }

  /** Removes k; returns false when it was absent. */
  delete(k: K): boolean {
    const { chunks, maxes, cmp } = this;
    const ci = this.chunkFor(k);
    if (ci === chunks.length) return false;
    const ch = chunks[ci];
    const pos = SortedList.lowerBound(ch, k, cmp);
    if (pos >= ch.length || cmp(ch[pos], k) !== 0) return false;
    ch.splice(pos, 1);
    this.size--;
    if (ch.length === 0) {
      chunks.splice(ci, 1);
      maxes.splice(ci, 1);
    } else {
      maxes[ci] = ch[ch.length - 1];
      // Merge small neighbours so the directory does not fill with tiny chunks.
      if (ch.length < LOAD / 4 && ci + 1 < chunks.length && chunks[ci + 1].length + ch.length <= LOAD) {
        const next = chunks[ci + 1];
        for (const x of next) ch.push(x);
        chunks.splice(ci + 1, 1);
        maxes.splice(ci, 2, ch[ch.length - 1]);
      }
    }
    return true;
  }

  /**
   * Calls fn for each key within [lo, hi] (bounds optional, inclusive or not), ascending or descending.
   * fn returns false to stop early.
   */
  forEachInRange(lo: Bound<K> | undefined, hi: Bound<K> | undefined, descending: boolean, fn: (k: K) => boolean | void): void {
    const { chunks, cmp } = this;
    if (chunks.length === 0) return;
    const aboveLo = (k: K) => !lo || (lo.inclusive ? cmp(k, lo.value) >= 0 : cmp(k, lo.value) > 0);
    const belowHi = (k: K) => !hi || (hi.inclusive ? cmp(k, hi.value) <= 0 : cmp(k, hi.value) < 0);
    if (!descending) {
      let ci = lo ? this.chunkFor(lo.value) : 0;
      if (ci >= chunks.length) return;
      let pos = lo ? SortedList.lowerBound(chunks[ci], lo.value, cmp) : 0;
      for (; ci < chunks.length; ci++, pos = 0) {
        const ch = chunks[ci];
        for (; pos < ch.length; pos++) {
          const k = ch[pos];
          if (!aboveLo(k)) continue;
          if (!belowHi(k)) return;
          if (fn(k) === false) return;
        }
      }
    } else {
      let ci = hi ? Math.min(this.chunkFor(hi.value), chunks.length - 1) : chunks.length - 1;
      let pos = hi ? Math.min(SortedList.lowerBound(chunks[ci], hi.value, cmp), chunks[ci].length - 1) : chunks[ci].length - 1;
      for (; ci >= 0; ci--, pos = ci >= 0 ? chunks[ci].length - 1 : 0) {
        const ch = chunks[ci];
        for (; pos >= 0; pos--) {
          const k = ch[pos];
          if (!belowHi(k)) continue;
          if (!aboveLo(k)) return;
          if (fn(k) === false) return;
        }
      }
    }
  }
}

export const compareNumbers: Cmp<number> = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
export const compareStrings: Cmp<string> = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
