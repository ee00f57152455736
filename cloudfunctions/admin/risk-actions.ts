// 风控审核 (issue 13 §6): the queue of cases built from stored facts (common/risk), a case with its
// evidence, and the actions on it — freeze / unfreeze, claw back / restore, block / unblock, void a
// batch, dismiss / reopen — each with a required note (docs/risk.md).
import { z } from 'zod';
import { action } from '../common/handler';
import { reasonField } from '../common/members/fields';
import { preview } from '../common/members/preview';
import * as risk from '../common/risk/actions';
import { CASE_KINDS, CASE_STATUSES } from '../common/risk/model';
import { caseView, listCases, openCounts, readCase, refreshCases, refreshedAt } from '../common/risk/queue';
import { AppError } from '../common/errors';

const caseId = z.string().min(1).max(200);
const openid = z.string().min(1).max(128);
const note = z.unknown();
const by = (i: { note: unknown }, operator: string) => ({ operator, note: reasonField(i.note, 'note', '备注') });
/** audit.target: the case document (before / after in ops_audit). */
const onCase = (i: { case: string }) => ({ collection: 'riskCases', id: i.case });

export const riskActions = {
  /** The queue as the last refresh left it (the jobs tick's, every 5 minutes): a read writes nothing. */
  riskQueue: action({
    auth: 'operator',
    role: 'viewer',
    input: z.object({ kind: z.enum(CASE_KINDS).optional(), status: z.enum(CASE_STATUSES).optional(), member: openid.optional(), cursor: z.string().min(1).max(300).optional(), limit: z.number().int().min(1).max(50).default(20) }).strict(),
    run: async (i) => {
      const [page, open, at] = await Promise.all([listCases(i), openCounts(), refreshedAt()]);
      return { ...page, open, refreshedAt: at };
    },
  }),
  /** Brings the queue up to date now (an operator's change: audited by the handler). */
  refreshRiskQueue: action({
    auth: 'operator',
    input: z.object({}).strict(),
    run: () => refreshCases(),
  }),
  riskCase: action({
    auth: 'operator',
    role: 'viewer',
    input: z.object({ case: caseId }).strict(),
    run: async (i) => {
      const c = await readCase(i.case);
      if (!c) throw new AppError('NOT_FOUND', '风控事件不存在');
      return caseView(c);
    },
  }),
  /** What a freeze or claw back would do (the ledger's planners, nothing written). */
  riskPreview: action({
    auth: 'operator',
    role: 'viewer',
    input: z.object({ op: z.enum(['freeze', 'clawBack']), member: openid.optional(), entry: z.string().min(1).max(300).optional() }).strict(),
    run: (i, { caller }) => {
      if (i.op === 'freeze') {
        if (!i.member) throw new AppError('BAD_REQUEST', 'member: required for freeze');
        return preview({ op: 'freeze', member: i.member }, caller.openid);
      }
      if (!i.entry) throw new AppError('BAD_REQUEST', 'entry: required for clawBack');
      return preview({ op: 'reverse', entry: i.entry, owner: 'scan' }, caller.openid);
    },
  }),
  riskFreeze: action({
    auth: 'operator',
    audit: { target: onCase },
    input: z.object({ case: caseId, member: openid, note }).strict(),
    run: (i, { caller }) => risk.freeze(i.case, i.member, by(i, caller.openid)),
  }),
  riskUnfreeze: action({
    auth: 'operator',
    audit: { target: onCase },
    input: z.object({ case: caseId, hold: z.string().min(1).max(128), note }).strict(),
    run: (i, { caller }) => risk.unfreeze(i.case, i.hold, by(i, caller.openid)),
  }),
  riskClawBack: action({
    auth: 'operator',
    audit: { target: onCase },
    input: z.object({ case: caseId, entry: z.string().min(1).max(300), note }).strict(),
    run: (i, { caller }) => risk.clawBack(i.case, i.entry, by(i, caller.openid)),
  }),
  riskRestore: action({
    auth: 'operator',
    audit: { target: onCase },
    input: z.object({ case: caseId, entry: z.string().min(1).max(300), note }).strict(),
    run: (i, { caller }) => risk.restore(i.case, i.entry, by(i, caller.openid)),
  }),
  riskBlock: action({
    auth: 'operator',
    audit: { target: onCase },
    input: z.object({ case: caseId, member: openid, note }).strict(),
    run: (i, { caller }) => risk.block(i.case, i.member, by(i, caller.openid)),
  }),
  riskUnblock: action({
    auth: 'operator',
    audit: { target: onCase },
    input: z.object({ case: caseId, member: openid, note }).strict(),
    run: (i, { caller }) => risk.unblock(i.case, i.member, by(i, caller.openid)),
  }),
  riskVoidCode: action({
    auth: 'operator',
    audit: { target: onCase },
    input: z.object({ case: caseId, code: z.string().regex(/^[0-9A-Z]{20}$/), note }).strict(),
    run: (i, { caller }) => risk.voidCode(i.case, i.code, by(i, caller.openid)),
  }),
  riskUnvoidCode: action({
    auth: 'operator',
    audit: { target: onCase },
    input: z.object({ case: caseId, code: z.string().regex(/^[0-9A-Z]{20}$/), note }).strict(),
    run: (i, { caller }) => risk.unvoidCode(i.case, i.code, by(i, caller.openid)),
  }),
  riskVoidBatch: action({
    auth: 'operator',
    audit: { target: onCase },
    input: z.object({ case: caseId, batch: z.string().regex(/^[\w\-]{1,64}$/), note }).strict(),
    run: (i, { caller }) => risk.voidBatch(i.case, i.batch, by(i, caller.openid)),
  }),
  riskDismiss: action({
    auth: 'operator',
    audit: { target: onCase },
    input: z.object({ case: caseId, note }).strict(),
    run: (i, { caller }) => risk.dismiss(i.case, by(i, caller.openid)),
  }),
  riskReopen: action({
    auth: 'operator',
    audit: { target: onCase },
    input: z.object({ case: caseId, note }).strict(),
    run: (i, { caller }) => risk.reopen(i.case, by(i, caller.openid)),
  }),
};
