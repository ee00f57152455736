// The queue (docs/risk.md#the-queue): brought up to date from the facts (facts.ts → cases.ts) by the
// jobs tick every 5 minutes, or at once by an operator's refreshRiskQueue (audited); a read never
// writes. Listed by kind and status. Cases are written
// under their key: a new one by add (a concurrent refresh making the same case loses on the _id and
// merges into the winner's), a known one by an update conditional on its `rev`, so two refreshes
// or a refresh and an operator's action never overwrite one another.
import { getDb } from '../cloud';
import { decodeCursor, encodeCursor } from '../cursor';
import { AppError, isDuplicateKeyError } from '../errors';
import { COLLECTIONS as CODES } from '../codes/model';
import { provinceName } from '../codes/regions';
import { shanghaiDay, shanghaiDayStart } from '../time';
import { buildCases, mergeCase, type Draft, type EventFact, type Facts } from './cases';
import { addDays, codesOf, drawBursts, eventsSince, topEarners, velocityThreshold } from './facts';
import { COLLECTIONS as C, EVENT_PAGE, EVENT_PAGES, LOOKBACK_DAYS, RUN_ID, type CaseKind, type CaseStatus, type RiskCase } from './model';

interface RunState {
  _id: string;
  /** Risk events up to this instant are in cases (the next read starts here: a merge ignores facts it has). */
  eventsAt?: Date;
  /** The last closed day whose earners and draws were read (today is read on every refresh). */
  daysThrough?: string;
  refreshedAt?: Date;
}

const MAX_WRITE_RETRIES = 5;

/** Stores one case: a new key is added, a known one updated on its rev; a lost race merges again. */
export async function storeCase(draft: Draft, known: RiskCase | null, now: Date): Promise<'created' | 'updated' | 'unchanged'> {
  const col = getDb().collection(C.cases);
  let existing = known;
  for (let attempt = 0; ; attempt++) {
    const next = mergeCase(existing, draft, now);
    if (!next) return 'unchanged';
    try {
      if (!existing) {
        await col.add({ data: next });
        return 'created';
      }
      const { _id, ...fields } = next;
      const _ = getDb().command;
      const r = await col.where({ _id, rev: existing.rev }).update({ data: { ...fields, members: _.set(next.members), evidence: _.set(next.evidence), actions: _.set(next.actions) } });
      if ((r as { stats?: { updated?: number } }).stats?.updated === 1) return 'updated';
    } catch (e) {
      if (!isDuplicateKeyError(e)) throw e;
    }
    if (attempt >= MAX_WRITE_RETRIES) throw new AppError('CONFLICT', 'risk case busy; try again');
    existing = await readCase(draft._id);
  }
}

export async function readCase(id: string): Promise<RiskCase | null> {
  const { data } = await getDb().collection(C.cases).doc(id).get().catch(() => ({ data: null }));
  return (data as RiskCase | null) ?? null;
}

async function storeAll(drafts: Draft[], now: Date): Promise<{ created: number; updated: number }> {
  const db = getDb();
  let created = 0;
  let updated = 0;
  for (let i = 0; i < drafts.length; i += 100) {
    const chunk = drafts.slice(i, i + 100);
    const { data } = await db.collection(C.cases).where({ _id: db.command.in(chunk.map((d) => d._id)) }).limit(chunk.length).get();
    const known = new Map((data as RiskCase[]).map((c) => [c._id, c]));
    for (const d of chunk) {
      const r = await storeCase(d, known.get(d._id) ?? null, now);
      if (r === 'created') created++;
      if (r === 'updated') updated++;
    }
  }
  return { created, updated };
}

/** When the queue was last brought up to date (ISO), or null before the first time. */
export async function refreshedAt(): Promise<string | null> {
  const { data } = await getDb().collection(C.runs).doc(RUN_ID).get().catch(() => ({ data: null }));
  const at = (data as RunState | null)?.refreshedAt;
  return at ? new Date(at).toISOString() : null;
}

/**
 * Reads the facts since the checkpoint and stores the cases they make. Safe to run twice or at
 * the same time as another: the same facts make the same keys and a merge of known facts changes
 * nothing. Answers what it did.
 */
export async function refreshCases(now = new Date()) {
  const db = getDb();
  const runs = db.collection(C.runs);
  const state = ((await runs.doc(RUN_ID).get().catch(() => ({ data: null }))).data as RunState | null) ?? { _id: RUN_ID };
  const today = shanghaiDay(now);
  const oldest = addDays(today, -LOOKBACK_DAYS);

  // Risk events after the checkpoint (the first run: the lookback).
  let since = state.eventsAt ? new Date(state.eventsAt) : shanghaiDayStart(oldest);
  const events: EventFact[] = [];
  for (let page = 0; page < EVENT_PAGES; page++) {
    const got = await eventsSince(since);
    events.push(...got);
    if (got.length < EVENT_PAGE) break;
    const last = got[got.length - 1].createdAt;
    // A page all at one instant cannot move the cursor; the next refresh reads past it by the merge.
    if (+last === +since) break;
    since = last;
  }
  const eventsAt = events.length ? events[events.length - 1].createdAt : since;

  // Closed days not yet read (within the lookback), and today.
  const days: string[] = [];
  for (let d = state.daysThrough && state.daysThrough >= oldest ? addDays(state.daysThrough, 1) : oldest; d < today; d = addDays(d, 1)) days.push(d);
  days.push(today);
  const earners = [];
  const drawers = [];
  for (const day of days) {
    const { threshold } = await velocityThreshold(day);
    earners.push(...(await topEarners(day, threshold)));
    drawers.push(...(await drawBursts(day)));
  }

  const counterfeitCodes = [...new Set(events.filter((e) => e.kind === 'counterfeit').map((e) => e.code))];
  const facts: Facts = { events, codes: await codesOf(counterfeitCodes), earners, drawers };
  const { created, updated } = await storeAll(buildCases(facts), now);
  await runs.doc(RUN_ID).set({ data: { eventsAt, daysThrough: addDays(today, -1), refreshedAt: now } });
  return { created, updated, events: events.length, refreshedAt: now.toISOString() };
}

export interface QueueQuery {
  kind?: CaseKind;
  status?: CaseStatus;
  member?: string;
  cursor?: string;
  limit: number;
}

/** Cases newest fact first, by kind and status (index `status, kind, lastAt`), paged by (lastAt, _id). */
export async function listCases(q: QueueQuery) {
  const db = getDb();
  const _ = db.command;
  const where: Record<string, unknown> = {};
  if (q.status) where.status = q.status;
  if (q.kind) where.kind = q.kind;
  if (q.member) where.members = q.member;
  let query: unknown = where;
  if (q.cursor) {
    const { at, id } = decodeCursor(q.cursor);
    query = _.and([where, _.or([{ lastAt: _.lt(at) }, { lastAt: at, _id: _.gt(id) }])]);
  }
  const { data } = await db.collection(C.cases).where(query as Record<string, unknown>).orderBy('lastAt', 'desc').orderBy('_id', 'asc').limit(q.limit + 1).get();
  const page = (data as RiskCase[]).slice(0, q.limit);
  const last = page[page.length - 1];
  const who = [...new Set(page.map((c) => c.member).filter(Boolean))];
  const { data: named } = who.length ? await db.collection('members').where({ _id: _.in(who) }).field({ nickname: true }).limit(who.length).get() : { data: [] };
  const names = new Map((named as { _id: string; nickname?: string }[]).map((m) => [m._id, m.nickname ?? '']));
  const batches = await batchNos(page.map((c) => c.batch));
  return {
    items: page.map((c) => ({ ...summaryOf(c), memberName: names.get(c.member) ?? '', batchNo: batches[c.batch] ?? '' })),
    nextCursor: data.length > q.limit && last ? encodeCursor({ at: new Date(last.lastAt), id: last._id }) : null,
  };
}

/** What the queue shows of a case (the evidence stays on its page). */
export const summaryOf = (c: RiskCase) => ({
  id: c._id,
  kind: c.kind,
  status: c.status,
  code: c.code,
  batch: c.batch,
  province: c.province,
  provinceName: c.province ? provinceName(c.province) : '',
  member: c.member,
  day: c.day,
  members: c.members.length,
  facts: c.facts,
  firstAt: new Date(c.firstAt).toISOString(),
  lastAt: new Date(c.lastAt).toISOString(),
});

/** Counts by kind of the open cases (the queue's tabs): one grouping aggregate. */
export async function openCounts(): Promise<Record<string, number>> {
  const db = getDb();
  const { list } = await db.collection(C.cases).aggregate().match({ status: 'open' }).group({ _id: '$kind', n: db.command.aggregate.sum(1) }).end();
  return Object.fromEntries((list as { _id: string; n: number }[]).map((r) => [r._id, r.n]));
}

/** The printed batch numbers (批号) of batch ids, which is what operators know a batch by. */
async function batchNos(ids: string[]): Promise<Record<string, string>> {
  const want = [...new Set(ids.filter(Boolean))].slice(0, 100);
  if (!want.length) return {};
  const db = getDb();
  const { data } = await db.collection(CODES.batches).where({ _id: db.command.in(want) }).field({ batchNo: true }).limit(want.length).get();
  return Object.fromEntries((data as { _id: string; batchNo: string }[]).map((b) => [b._id, b.batchNo]));
}

/** A case as its page shows it: members' nicknames (operators' names), province names and batch numbers beside the ids. */
export async function caseView(c: RiskCase) {
  const db = getDb();
  const ids = [...new Set([c.member, ...c.members, ...c.actions.map((a) => a.by), ...c.actions.map((a) => a.member ?? '')].filter(Boolean))].slice(0, 100);
  const [{ data }, { data: admins }] = ids.length
    ? await Promise.all([
        db.collection('members').where({ _id: db.command.in(ids) }).field({ nickname: true }).limit(ids.length).get(),
        db.collection('admins').where({ _id: db.command.in(ids) }).field({ name: true }).limit(ids.length).get(),
      ])
    : [{ data: [] }, { data: [] }];
  const names: Record<string, string> = {};
  for (const m of data as { _id: string; nickname?: string }[]) names[m._id] = m.nickname ?? '';
  for (const a of admins as { _id: string; name?: string }[]) if (a.name) names[a._id] = a.name;
  const provinces: Record<string, string> = {};
  for (const p of [c.province, ...c.evidence.map((e) => e.province)]) if (p) provinces[p] = provinceName(p);
  return { ...c, names, provinces, batches: await batchNos([c.batch, ...c.evidence.map((e) => e.batch)]) };
}
