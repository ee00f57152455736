// What operators do about a case (docs/risk.md#actions). Each is a ledger or code operation done
// first — idempotent by a key derived from the case and what it acts on, so a retry after a failure
// anywhere answers the first effect — then recorded on the case by an update conditional on its rev.
// Every one has its undo: freeze ↔ unfreeze (a hold and its release), claw back ↔ restore (a
// reversal and a positive adjust of what it took), block ↔ unblock, dismiss ↔ reopen. Voiding a
// batch is the codes function's void, which is final (docs/codes.md). The operator audit of each
// call is the handler's (ops_audit, wave 3); the case keeps its own list for the page.
import { createHash } from 'node:crypto';
import { getDb } from '../cloud';
import { AppError } from '../errors';
import { fieldError } from '../forms';
import { setStatus } from '../codes/batches';
import { COLLECTIONS as CODES, type Code } from '../codes/model';
import { availablePoints } from '../ledger/access';
import type { Entry } from '../ledger/model';
import { readEntry } from '../ledger/access';
import { adjust, hold, releaseHold, reverse } from '../ledger/service';
import { isOwned, type SourceKind } from '../ledger/sources';
import { earnBlockOf, setEarnBlock } from './block';
import { COLLECTIONS as C, type CaseAction, type CaseStatus, type RiskCase } from './model';
import { readCase } from './queue';

/** A freeze lasts the longest hold the ledger allows; the jobs tick releases it after that. */
export const FREEZE_SECONDS = 7 * 86_400;

const short = (s: string) => createHash('sha256').update(s).digest('base64url').slice(0, 16).replace(/[^\w-]/g, '_');

async function mustCase(id: string): Promise<RiskCase> {
  const c = await readCase(id);
  if (!c) throw new AppError('NOT_FOUND', '风控事件不存在');
  return c;
}

function mustName(c: RiskCase, member: string, field = 'member', label = '会员'): void {
  if (member !== c.member && !c.members.includes(member)) throw fieldError(field, label, '不在本风控事件中');
}

/** Appends the action (and the status it leaves) to the case, conditional on its rev; re-read and retried when another write came between. */
async function record(id: string, act: Omit<CaseAction, 'at'>, status: (c: RiskCase) => CaseStatus, now: Date): Promise<RiskCase> {
  const col = getDb().collection(C.cases);
  const _ = getDb().command;
  for (let attempt = 0; attempt < 6; attempt++) {
    const c = await mustCase(id);
    const next = { status: status(c), actions: [...c.actions, { ...act, at: now }], rev: c.rev + 1, updatedAt: now };
    const r = await col.where({ _id: id, rev: c.rev }).update({ data: { ...next, actions: _.set(next.actions) } });
    if ((r as { stats?: { updated?: number } }).stats?.updated === 1) return { ...c, ...next };
  }
  throw new AppError('CONFLICT', 'risk case busy; try again');
}

const acted = () => 'actioned' as const;

export interface ActBy {
  operator: string;
  note: string;
  now?: Date;
}

/** Freezes the member's available points (all of them) in a hold of FREEZE_SECONDS. */
export async function freeze(caseId: string, member: string, by: ActBy) {
  const now = by.now ?? new Date();
  const c = await mustCase(caseId);
  mustName(c, member);
  const points = await availablePoints(member);
  if (!points) throw new AppError('NOT_FOUND', '会员没有积分账户');
  if (points.available <= 0) throw new AppError('INSUFFICIENT_POINTS', '没有可冻结的积分');
  const n = c.actions.filter((a) => a.action === 'freeze' && a.member === member).length;
  const key = `risk:${short(caseId)}:freeze:${short(member)}:${n}`;
  const out = await hold({ member, amount: points.available, key, source: { kind: 'ops', ref: caseId }, reason: by.note, ttlSeconds: FREEZE_SECONDS, now });
  const updated = await record(caseId, { action: 'freeze', by: by.operator, note: by.note, member, ref: key, amount: out.hold.amount }, acted, now);
  return { case: updated, hold: { id: out.hold._id, amount: out.hold.amount, expiresAt: new Date(out.hold.expiresAt).toISOString(), status: out.hold.status } };
}

/** Releases a freeze this case made. */
export async function unfreeze(caseId: string, holdId: string, by: ActBy) {
  const now = by.now ?? new Date();
  const c = await mustCase(caseId);
  const made = c.actions.find((a) => a.action === 'freeze' && a.ref === holdId);
  if (!made) throw new AppError('RISK_CASE_STATE', '该冻结不是本风控事件发起的');
  // Released already: by this case (say so), or by a call that died before recording it (record it now).
  if (c.actions.some((a) => a.action === 'unfreeze' && a.ref === holdId)) throw new AppError('HOLD_NOT_OPEN', '该笔冻结已解冻');
  await releaseHold(holdId, { reason: by.note, now });
  return { case: await record(caseId, { action: 'unfreeze', by: by.operator, note: by.note, member: made.member, ref: holdId, amount: made.amount }, (x) => x.status, now) };
}

/**
 * Claws back an earn of a member the case names: the ledger's reversal, which takes what is left
 * of its lot and makes the rest debt. A scan's claim is reversed as its owner (the code stays
 * claimed: a clawed-back code must not pay anyone again); orders, checkouts and mall entries only
 * through their own refunds (NOT_REVERSIBLE).
 */
export async function clawBack(caseId: string, entryId: string, by: ActBy) {
  const now = by.now ?? new Date();
  const c = await mustCase(caseId);
  const e: Entry | null = await readEntry(entryId);
  if (!e) throw new AppError('NOT_FOUND', '积分流水不存在');
  mustName(c, e.member, 'entry', '积分流水');
  if (!(e.delta > 0 && (e.type === 'earn' || e.type === 'adjust'))) throw new AppError('NOT_REVERSIBLE', '只能追回获得的积分');
  const owner = e.source.kind === 'scan' ? ('scan' as SourceKind) : undefined;
  if (isOwned(e.source.kind) && !owner) throw new AppError('NOT_REVERSIBLE', `a ${e.source.kind} entry is reversed through its own refund`);
  const out = await reverse(entryId, { reason: by.note, operator: by.operator, owner, now });
  const r = out.entry;
  const updated = await record(caseId, { action: 'clawBack', by: by.operator, note: by.note, member: e.member, ref: entryId, amount: r.amount }, acted, now);
  return { case: updated, entry: { id: r._id, amount: r.amount, debtCreated: r.debtCreated ?? 0, balanceAfter: r.balanceAfter, debtAfter: r.debtAfter } };
}

/** Gives back what a claw-back of this case took: a positive adjust of its amount (repaying the debt it made first). */
export async function restore(caseId: string, entryId: string, by: ActBy) {
  const now = by.now ?? new Date();
  const c = await mustCase(caseId);
  const taken = c.actions.find((a) => a.action === 'clawBack' && a.ref === entryId);
  if (!taken || !taken.member || !taken.amount) throw new AppError('RISK_CASE_STATE', '本风控事件没有追回这笔积分');
  if (c.actions.some((a) => a.action === 'restore' && a.ref === entryId)) throw new AppError('RISK_CASE_STATE', '这笔积分已退回');
  const out = await adjust({ member: taken.member, delta: taken.amount, key: `risk-restore:${entryId}`.slice(0, 120), reason: by.note, operator: by.operator, now });
  const updated = await record(caseId, { action: 'restore', by: by.operator, note: by.note, member: taken.member, ref: entryId, amount: taken.amount }, (x) => x.status, now);
  return { case: updated, entry: { id: out.entry._id, amount: out.entry.amount, balanceAfter: out.entry.balanceAfter, debtAfter: out.entry.debtAfter } };
}

/** Blocks a member the case names from earning (EARN_BLOCKED at every earn until unblocked). */
export async function block(caseId: string, member: string, by: ActBy) {
  const now = by.now ?? new Date();
  const c = await mustCase(caseId);
  mustName(c, member);
  if (await earnBlockOf(member)) throw new AppError('RISK_CASE_STATE', '该会员已被暂停获取积分');
  await setEarnBlock(member, { case: caseId, by: by.operator, at: now, reason: by.note });
  return { case: await record(caseId, { action: 'block', by: by.operator, note: by.note, member }, acted, now) };
}

export async function unblock(caseId: string, member: string, by: ActBy) {
  const now = by.now ?? new Date();
  const c = await mustCase(caseId);
  mustName(c, member);
  if (!(await earnBlockOf(member))) throw new AppError('RISK_CASE_STATE', '该会员没有被暂停获取积分');
  await setEarnBlock(member, null);
  return { case: await record(caseId, { action: 'unblock', by: by.operator, note: by.note, member }, (x) => x.status, now) };
}

async function mustCode(c: RiskCase, code: string): Promise<Code> {
  if (code !== c.code && !c.evidence.some((e) => e.code === code)) throw fieldError('code', '防伪码', '不在本风控事件中');
  const { data } = await getDb().collection(CODES.codes).doc(code).get().catch(() => ({ data: null }));
  if (!data) throw new AppError('NOT_FOUND', '防伪码不存在');
  return data as Code;
}

/** Voids one code the case names: its scans answer CODE_VOID (its claim and points stand) until unvoided. */
export async function voidCode(caseId: string, code: string, by: ActBy) {
  const now = by.now ?? new Date();
  const c = await mustCase(caseId);
  if ((await mustCode(c, code)).voided) throw new AppError('RISK_CASE_STATE', '该码已作废');
  await getDb().collection(CODES.codes).doc(code).update({ data: { voided: { case: caseId, by: by.operator, at: now } } });
  return { case: await record(caseId, { action: 'voidCode', by: by.operator, note: by.note, ref: code }, acted, now) };
}

export async function unvoidCode(caseId: string, code: string, by: ActBy) {
  const now = by.now ?? new Date();
  const c = await mustCase(caseId);
  if (!(await mustCode(c, code)).voided) throw new AppError('RISK_CASE_STATE', '该码没有被作废');
  await getDb().collection(CODES.codes).doc(code).update({ data: { voided: null } });
  return { case: await record(caseId, { action: 'unvoidCode', by: by.operator, note: by.note, ref: code }, (x) => x.status, now) };
}

/** Voids a batch the case names (the codes function's void: every scan of it answers CODE_VOID, for good). */
export async function voidBatch(caseId: string, batch: string, by: ActBy) {
  const now = by.now ?? new Date();
  const c = await mustCase(caseId);
  if (batch !== c.batch && !c.evidence.some((e) => e.batch === batch)) throw fieldError('batch', '批次', '不在本风控事件中');
  await setStatus(batch, 'void', now);
  return { case: await record(caseId, { action: 'voidBatch', by: by.operator, note: by.note, ref: batch }, acted, now) };
}

export async function dismiss(caseId: string, by: ActBy) {
  const now = by.now ?? new Date();
  const c = await mustCase(caseId);
  if (c.status === 'dismissed') throw new AppError('RISK_CASE_STATE', '该风控事件已忽略');
  return { case: await record(caseId, { action: 'dismiss', by: by.operator, note: by.note }, () => 'dismissed', now) };
}

export async function reopen(caseId: string, by: ActBy) {
  const now = by.now ?? new Date();
  const c = await mustCase(caseId);
  if (c.status !== 'dismissed') throw new AppError('RISK_CASE_STATE', '只有已忽略的风控事件可以重新打开');
  return { case: await record(caseId, { action: 'reopen', by: by.operator, note: by.note }, () => 'open', now) };
}
