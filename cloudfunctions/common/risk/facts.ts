// Reads the facts the queue is built from (docs/risk.md#facts), every read bounded: risk events
// after the checkpoint in pages of EVENT_PAGE (index `createdAt`), the codes they name (by _id),
// the day's top earners and drawers from one grouping aggregate each (ledger index `createdAt`,
// draws index `status, createdAt`; at most `perDay` rows come back), and the velocity norm from
// the metrics roll-up's day documents (≤ VELOCITY.normDays documents, never the entries).
import { getDb } from '../cloud';
import { COLLECTIONS as CODES } from '../codes/model';
import { entriesForReading } from '../ledger/access';
import { shanghaiDayStart } from '../time';
import type { CodeFact, DrawFact, EarnFact, EventFact } from './cases';
import { DRAW_BURST, EVENT_PAGE, VELOCITY } from './model';

const DAY_MS = 86_400_000;
export const dayRange = (day: string) => ({ start: shanghaiDayStart(day), end: new Date(+shanghaiDayStart(day) + DAY_MS) });
export const addDays = (day: string, n: number) => new Date(+shanghaiDayStart(day) + n * DAY_MS + 12 * 3600_000).toISOString().slice(0, 10);

/** Risk events at or after `since`, oldest first (one page; the caller pages on by the last one's time). */
export async function eventsSince(since: Date, limit = EVENT_PAGE): Promise<EventFact[]> {
  const db = getDb();
  const { data } = await db
    .collection(CODES.riskEvents)
    .where({ createdAt: db.command.gte(since) })
    .orderBy('createdAt', 'asc')
    .limit(limit)
    .field({ kind: true, code: true, batch: true, province: true, member: true, createdAt: true })
    .get();
  return (data as EventFact[]).map((e) => ({ ...e, createdAt: new Date(e.createdAt) }));
}

/** The codes counterfeit events name, as they are now (claimant, scans). */
export async function codesOf(ids: string[]): Promise<Record<string, CodeFact>> {
  const out: Record<string, CodeFact> = {};
  const db = getDb();
  for (let i = 0; i < ids.length; i += 100) {
    const chunk = ids.slice(i, i + 100);
    const { data } = await db.collection(CODES.codes).where({ _id: db.command.in(chunk) }).field({ claimedBy: true, claimedAt: true, scans: true, batch: true }).limit(chunk.length).get();
    for (const c of data as (CodeFact & { _id: string })[]) out[c._id] = { claimedBy: c.claimedBy ?? '', claimedAt: c.claimedAt ? new Date(c.claimedAt) : undefined, scans: c.scans ?? 0, batch: c.batch };
  }
  return out;
}

/**
 * The day's velocity threshold: FACTOR × the norm, the mean points a member earning that day earns,
 * over the roll-up's last `normDays` closed days before `day` (all campaigns, `ledger:<day>:*`); a
 * fresh system without roll-ups uses `defaultNorm`.
 */
export async function velocityThreshold(day: string): Promise<{ norm: number; threshold: number }> {
  const db = getDb();
  const _ = db.command;
  const { data } = await db
    .collection('metricsDaily')
    .where({ scope: '*', day: _.gte(addDays(day, -VELOCITY.normDays)).and(_.lt(day)) })
    .field({ issued: true, earners: true })
    .limit(VELOCITY.normDays)
    .get();
  const days = (data as { issued?: number; earners?: number }[]).filter((d) => (d.earners ?? 0) > 0);
  const issued = days.reduce((s, d) => s + (d.issued ?? 0), 0);
  const earners = days.reduce((s, d) => s + (d.earners ?? 0), 0);
  const norm = earners ? Math.max(1, Math.round(issued / earners)) : VELOCITY.defaultNorm;
  return { norm, threshold: Math.max(VELOCITY.min, norm * VELOCITY.factor) };
}

/** Members whose earns on `day` reach `threshold`, the most first (≤ VELOCITY.perDay). */
export async function topEarners(day: string, threshold: number): Promise<EarnFact[]> {
  const db = getDb();
  const _ = db.command;
  const $ = _.aggregate;
  const { start, end } = dayRange(day);
  const { list } = await entriesForReading()
    .aggregate()
    .match({ createdAt: _.gte(start).and(_.lt(end)), type: 'earn' })
    .group({ _id: '$member', points: $.sum('$amount'), entries: $.sum(1), lastAt: $.max('$createdAt') })
    .match({ points: _.gte(threshold) })
    .sort({ points: -1, _id: 1 })
    .limit(VELOCITY.perDay)
    .end();
  return (list as { _id: string; points: number; entries: number; lastAt: Date }[]).map((r) => ({ member: r._id, day, points: r.points, entries: r.entries, lastAt: new Date(r.lastAt), threshold }));
}

/** Members with DRAW_BURST.min draws or more on `day`, the most first (≤ DRAW_BURST.perDay). */
export async function drawBursts(day: string): Promise<DrawFact[]> {
  const db = getDb();
  const _ = db.command;
  const $ = _.aggregate;
  const { start, end } = dayRange(day);
  const { list } = await db
    .collection('draws')
    .aggregate()
    .match({ status: _.in(['drawn', 'fulfilled']), createdAt: _.gte(start).and(_.lt(end)) })
    .group({ _id: '$member', draws: $.sum(1), firstAt: $.min('$createdAt'), lastAt: $.max('$createdAt') })
    .match({ draws: _.gte(DRAW_BURST.min) })
    .sort({ draws: -1, _id: 1 })
    .limit(DRAW_BURST.perDay)
    .end();
  return (list as { _id: string; draws: number; firstAt: Date; lastAt: Date }[]).map((r) => ({ member: r._id, day, draws: r.draws, firstAt: new Date(r.firstAt), lastAt: new Date(r.lastAt), threshold: DRAW_BURST.min }));
}
