// Growth value from scans and sign-ins (docs/tiers.md#growth-from-scans-and-sign-ins), posted after
// the fact by the jobs tick, so a scan (≤ 7 database requests) and a sign-in (≤ 6) stay within their
// budgets: writing growth in their own transaction would cost +3 each.
//
// The tick pages the ledger's entries in (createdAt, _id) order from a cursor (`jobRuns/growth-activity`),
// up to SETTLE_MS before now (an entry's createdAt is set before its transaction commits; by then it
// has committed or never will), and for each
//   - credit (`earn`) of source `scan` / `signin`: growth `growth:activity:<entry>` of the scheme's
//     `growth.scan` / `growth.signin`;
//   - reversal (`reverse`) of such a credit: growth `growth:activity-rev:<reversal>` taking back the
//     original's growth (in proportion for a partial reversal), counted against the cycle it was given in.
// Each is one `grow` transaction keyed per entry, so a rerun, an overlapping tick or a crash mid-page
// never posts twice; the cursor only moves past a page once all of it is posted. Members' entries
// run in parallel, one member's in order. A scheme with no scan / sign-in growth costs the tick
// nothing; the save that turns it on sets the cursor to that moment, so the time it was off is never paid.
import { getDb } from '../cloud';
import { AppError } from '../errors';
import { entriesAfter, SETTLE_MS, type EntryFact } from '../ledger/access';
import { readEntry } from '../ledger/service';
import { ACTIVITY_CURSOR as CURSOR, COLLECTIONS, grow, loadScheme, type GrowthEntry } from './service';

export { SETTLE_MS };
const PAGE = 200;
const KINDS = ['scan', 'signin'] as const;
type Kind = (typeof KINDS)[number];

type PageEntry = EntryFact;
interface Cursor {
  at: Date;
  id: string;
}

export const activityKey = (entry: string) => `growth:activity:${entry}`;
export const activityReversalKey = (entry: string) => `growth:activity-rev:${entry}`;

async function readCursor(): Promise<Cursor | null> {
  const { data } = await getDb().collection('jobRuns').doc(CURSOR).get().catch(() => ({ data: null }));
  const c = data as { at?: Date; id?: string } | null;
  return c?.at ? { at: new Date(c.at), id: c.id ?? '' } : null;
}

const saveCursor = (c: Cursor, now: Date) => getDb().collection('jobRuns').doc(CURSOR).set({ data: { job: CURSOR, at: c.at, id: c.id, updatedAt: now } });

const readPage = (cursor: Cursor | null, until: Date) => entriesAfter(cursor, until, PAGE);

const isKind = (k: string): k is Kind => (KINDS as readonly string[]).includes(k);

/** Pure: the growth an entry gives or takes back (null: none), given the original's growth entry for a reversal. */
export function activityGrowth(
  e: PageEntry,
  perKind: Record<Kind, number>,
  original: { growth: Pick<GrowthEntry, 'delta' | 'cycleStart'>; amount: number } | null,
): { key: string; delta: number; originCycleStart?: string } | null {
  if (!isKind(e.source?.kind)) return null;
  if (e.type === 'earn') {
    const g = perKind[e.source.kind];
    return g > 0 ? { key: activityKey(e._id), delta: g } : null;
  }
  if (e.type === 'reverse' && original && original.growth.delta > 0) {
    // A full reversal takes back exactly what was given; a partial one its share, rounded down.
    const back = e.amount >= original.amount ? original.growth.delta : Math.floor((original.growth.delta * e.amount) / original.amount);
    return back > 0 ? { key: activityReversalKey(e._id), delta: -back, originCycleStart: original.growth.cycleStart } : null;
  }
  return null;
}

/** A closed account's pseudonym (privacy/closure.ts): its tier state is gone and gets no growth. */
const PSEUDONYM = /^x[0-9a-f]{24}$/;

async function postOne(e: PageEntry, perKind: Record<Kind, number>, now: Date): Promise<number> {
  if (PSEUDONYM.test(e.member)) return 0;
  let original: { growth: GrowthEntry; amount: number } | null = null;
  if (e.type === 'reverse' && e.ref && isKind(e.source?.kind)) {
    const [{ data: g }, orig] = await Promise.all([getDb().collection(COLLECTIONS.growth).doc(activityKey(e.ref)).get().catch(() => ({ data: null })), readEntry(e.ref)]);
    // No growth was given for the original (growth was off then): nothing to take back.
    if (!g || !orig) return 0;
    original = { growth: g as GrowthEntry, amount: orig.amount };
  }
  const w = activityGrowth(e, perKind, original);
  if (!w) return 0;
  try {
    await grow({ member: e.member, key: w.key, delta: w.delta, source: { kind: e.source.kind, ref: e._id }, now, ...(w.originCycleStart ? { originCycleStart: w.originCycleStart } : {}) });
  } catch (err) {
    // Posted already under an earlier scheme's value (the page is being redone): it stands.
    if (!(err instanceof AppError && err.code === 'IDEMPOTENCY_MISMATCH')) throw err;
  }
  return 1;
}

export interface ActivityGrowthResult {
  /** Ledger entries looked at, growth entries posted (or found posted). */
  entries: number;
  posted: number;
  /** Whether the settled entries are all done (false: the budget ran out or a member's transaction failed; the next tick continues). */
  caughtUp: boolean;
}

/** Posts the growth of settled scan / sign-in entries since the cursor, within `budgetMs`. */
export async function postActivityGrowth(now = new Date(), budgetMs = 2_000): Promise<ActivityGrowthResult> {
  const started = Date.now();
  const until = new Date(+now - SETTLE_MS);
  const scheme = await loadScheme();
  const perKind: Record<Kind, number> = { scan: scheme.growth.scan ?? 0, signin: scheme.growth.signin ?? 0 };
  const result: ActivityGrowthResult = { entries: 0, posted: 0, caughtUp: false };
  // Growth off: nothing read or written (saving a scheme that turns it on sets the cursor to that moment).
  if (!perKind.scan && !perKind.signin) return { ...result, caughtUp: true };
  let cursor = await readCursor();
  for (;;) {
    const page = await readPage(cursor, until);
    // One member's entries in order (a reversal after its credit); members in parallel.
    const byMember = new Map<string, PageEntry[]>();
    for (const e of page) byMember.set(e.member, [...(byMember.get(e.member) ?? []), e]);
    const counts = await Promise.allSettled(
      [...byMember.values()].map(async (list) => {
        let n = 0;
        for (const e of list) n += await postOne(e, perKind, now);
        return n;
      }),
    );
    result.entries += page.length;
    result.posted += counts.reduce((a, c) => a + (c.status === 'fulfilled' ? c.value : 0), 0);
    // A failed transaction (e.g. contention): the cursor stays before the page, which the next tick redoes (keys make it safe).
    if (counts.some((c) => c.status === 'rejected')) return result;
    if (page.length) {
      const last = page[page.length - 1];
      cursor = { at: new Date(last.createdAt), id: last._id };
      await saveCursor(cursor, now);
    }
    if (page.length < PAGE) return { ...result, caughtUp: true };
    if (Date.now() - started > budgetMs) return result;
  }
}
