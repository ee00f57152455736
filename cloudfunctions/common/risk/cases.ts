// The queue's decisions, pure (docs/risk.md#cases): facts already stored → cases, each under a key
// derived from what it is about, so the same facts always land in the same case and a refresh that
// reads them again changes nothing. No I/O here; facts.ts reads, queue.ts writes.
import { shanghaiDay } from '../time';
import { MAX_EVIDENCE, MAX_MEMBERS, type CaseKind, type Evidence, type RiskCase } from './model';

/** A risk event as the scan recorded it (codes/scan.ts recordRisk). */
export interface EventFact {
  _id: string;
  kind: 'counterfeit' | 'diversion' | 'bruteforce';
  code: string;
  batch: string;
  province: string;
  member: string;
  createdAt: Date;
}

/** A code named by counterfeit events, as it is now. */
export interface CodeFact {
  claimedBy: string;
  claimedAt?: Date;
  scans: number;
  batch: string;
}

/** A member's points earned in one Shanghai day that passed the day's velocity threshold. */
export interface EarnFact {
  member: string;
  day: string;
  points: number;
  entries: number;
  lastAt: Date;
  threshold: number;
}

/** A member's draws in one Shanghai day, at or over the burst threshold. */
export interface DrawFact {
  member: string;
  day: string;
  draws: number;
  firstAt: Date;
  lastAt: Date;
  threshold: number;
}

export interface Facts {
  events: EventFact[];
  codes: Record<string, CodeFact>;
  earners: EarnFact[];
  drawers: DrawFact[];
}

/** A case as the facts make it, before it meets what is stored. */
export type Draft = Pick<RiskCase, '_id' | 'kind' | 'code' | 'batch' | 'province' | 'member' | 'day' | 'members' | 'evidence' | 'firstAt' | 'lastAt'>;

export const caseKey = {
  counterfeit: (code: string) => `counterfeit:${code}`,
  diversion: (batch: string, province: string) => `diversion:${batch}:${province}`,
  bruteforce: (member: string, day: string) => `bruteforce:${member}:${day}`,
  velocity: (member: string, day: string) => `velocity:${member}:${day}`,
  draws: (member: string, day: string) => `draws:${member}:${day}`,
};

const ev = (e: Partial<Evidence> & Pick<Evidence, 'id' | 'at'>): Evidence => ({ member: '', code: '', batch: '', province: '', figure: 0, norm: 0, ...e });
const iso = (d: Date | string) => new Date(d).toISOString();

function add(drafts: Map<string, Draft>, key: string, base: Omit<Draft, '_id' | 'members' | 'evidence' | 'firstAt' | 'lastAt'>, evidence: Evidence): void {
  const at = new Date(evidence.at);
  let d = drafts.get(key);
  if (!d) {
    d = { _id: key, ...base, members: [], evidence: [], firstAt: at, lastAt: at };
    drafts.set(key, d);
  }
  const i = d.evidence.findIndex((x) => x.id === evidence.id);
  if (i >= 0) d.evidence[i] = evidence;
  else d.evidence.push(evidence);
  if (evidence.member && !d.members.includes(evidence.member)) d.members.push(evidence.member);
  if (+at < +d.firstAt) d.firstAt = at;
  if (+at > +d.lastAt) d.lastAt = at;
}

const subject = (kind: CaseKind, s: Partial<Pick<Draft, 'code' | 'batch' | 'province' | 'member' | 'day'>>) => ({ kind, code: '', batch: '', province: '', member: '', day: '', ...s });

/** Every case the facts make, by key; evidence oldest first. */
export function buildCases(facts: Facts): Draft[] {
  const drafts = new Map<string, Draft>();
  for (const e of facts.events) {
    const day = shanghaiDay(e.createdAt);
    if (e.kind === 'counterfeit') {
      const code = facts.codes[e.code];
      const key = caseKey.counterfeit(e.code);
      const base = subject('counterfeit', { code: e.code, batch: e.batch || code?.batch || '' });
      // The claimant is evidence too: whoever earned with a code others also scan.
      if (code?.claimedBy) add(drafts, key, base, ev({ id: `claim:${e.code}`, at: iso(code.claimedAt ?? e.createdAt), member: code.claimedBy, code: e.code, batch: base.batch, figure: code.scans }));
      add(drafts, key, base, ev({ id: e._id, at: iso(e.createdAt), member: e.member, code: e.code, batch: base.batch, province: e.province, figure: code?.scans ?? 0 }));
    } else if (e.kind === 'diversion') {
      add(drafts, caseKey.diversion(e.batch, e.province), subject('diversion', { batch: e.batch, province: e.province }), ev({ id: e._id, at: iso(e.createdAt), member: e.member, code: e.code, batch: e.batch, province: e.province }));
    } else if (e.kind === 'bruteforce') {
      add(drafts, caseKey.bruteforce(e.member, day), subject('bruteforce', { member: e.member, day }), ev({ id: e._id, at: iso(e.createdAt), member: e.member, code: e.code }));
    }
  }
  for (const f of facts.earners) {
    if (f.points < f.threshold) continue;
    add(drafts, caseKey.velocity(f.member, f.day), subject('velocity', { member: f.member, day: f.day }), ev({ id: `velocity:${f.member}:${f.day}`, at: iso(f.lastAt), member: f.member, figure: f.points, norm: f.threshold }));
  }
  for (const f of facts.drawers) {
    if (f.draws < f.threshold) continue;
    add(drafts, caseKey.draws(f.member, f.day), subject('draws', { member: f.member, day: f.day }), ev({ id: `draws:${f.member}:${f.day}`, at: iso(f.lastAt), member: f.member, figure: f.draws, norm: f.threshold }));
  }
  for (const d of drafts.values()) d.evidence.sort((a, b) => a.at.localeCompare(b.at) || a.id.localeCompare(b.id));
  return [...drafts.values()].sort((a, b) => a._id.localeCompare(b._id));
}

const sameEvidence = (a: Evidence, b: Evidence) => a.figure === b.figure && a.norm === b.norm && a.at === b.at && a.member === b.member;

/**
 * A draft meeting the stored case (or none): the case to store, or null when the facts add nothing.
 * A fact already in the case only refreshes its figure (today's earnings grow); a new fact on a
 * case already handled (dismissed or acted on) opens it again, saying so in its actions.
 */
export function mergeCase(existing: RiskCase | null, draft: Draft, now: Date): RiskCase | null {
  if (!existing) {
    const evidence = draft.evidence.slice(-MAX_EVIDENCE);
    return { ...draft, members: draft.members.slice(0, MAX_MEMBERS), evidence, facts: draft.evidence.length, status: 'open', actions: [], rev: 1, createdAt: now, updatedAt: now };
  }
  const byId = new Map(existing.evidence.map((e) => [e.id, e]));
  let fresh = 0;
  let changed = false;
  for (const e of draft.evidence) {
    const had = byId.get(e.id);
    if (!had) {
      // Evidence trimmed from the stored case (over MAX_EVIDENCE) is older than what is kept.
      if (existing.facts > existing.evidence.length && e.at < (existing.evidence[0]?.at ?? '')) continue;
      fresh++;
      byId.set(e.id, e);
    } else if (!sameEvidence(had, e)) {
      changed = true;
      byId.set(e.id, e);
    }
  }
  if (!fresh && !changed) return null;
  const evidence = [...byId.values()].sort((a, b) => a.at.localeCompare(b.at) || a.id.localeCompare(b.id)).slice(-MAX_EVIDENCE);
  const members = [...existing.members];
  for (const m of draft.members) if (members.length < MAX_MEMBERS && !members.includes(m)) members.push(m);
  const reopen = fresh > 0 && existing.status !== 'open';
  return {
    ...existing,
    members,
    evidence,
    facts: existing.facts + fresh,
    firstAt: new Date(Math.min(+new Date(existing.firstAt), +draft.firstAt)),
    lastAt: new Date(Math.max(+new Date(existing.lastAt), +draft.lastAt)),
    status: reopen ? 'open' : existing.status,
    actions: reopen ? [...existing.actions, { action: 'reopen', by: '', at: now, note: `新增 ${fresh} 条证据` }] : existing.actions,
    rev: existing.rev + 1,
    updatedAt: now,
  };
}
