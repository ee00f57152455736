// 会员 (issue 13 §5): the operators' member search, a member's page and its sections, and the
// corrections — adjust, penalty, reverse — each with a preview from the ledger's own planners
// (common/members/preview.ts) that the page shows before the operator confirms.
import { z } from 'zod';
import { AppError } from '../common/errors';
import { action } from '../common/handler';
import { adjust, OPERATOR_KEY_MAX, penalty, reverse } from '../common/ledger/service';
import { SOURCE_KINDS } from '../common/ledger/sources';
import { memberDetail, memberSection, SECTIONS } from '../common/members/detail';
import { adjustDelta, penaltyAmount, reasonField } from '../common/members/fields';
import { preview } from '../common/members/preview';
import { searchMembers } from '../common/members/search';
import { accessFor, membersForOperator } from '../common/privacy/access';
import { shanghaiDayInput } from '../common/inputs';

const openid = z.string().min(1).max(128);
const entryId = z.string().min(1).max(300);
/** Chosen by the page once per confirmation: a retried confirm applies once (stored as `op:<key>`). */
const opKey = z.string().regex(new RegExp(`^[\\w:.\\-|@]{1,${OPERATOR_KEY_MAX}}$`), 'key: 1-120 characters of letters, digits and _ : . - | @');
const kinds = z.array(z.enum(Object.keys(SOURCE_KINDS) as [string, ...string[]])).max(12);

const entryView = (e: { _id: string; type: string; amount: number; delta: number; balanceAfter: number; heldAfter: number; debtAfter: number; debtCreated?: number; debtRepaid?: number }) => ({
  id: e._id, type: e.type, amount: e.amount, delta: e.delta, balanceAfter: e.balanceAfter, heldAfter: e.heldAfter, debtAfter: e.debtAfter, debtCreated: e.debtCreated ?? 0, debtRepaid: e.debtRepaid ?? 0,
});

export const memberActions = {
  searchMembers: action({
    auth: 'operator',
    role: 'viewer',
    input: z.object({ q: z.string().trim().max(64).default(''), by: z.enum(['nickname', 'phone', 'openid']).optional(), cursor: z.string().min(1).max(300).optional(), limit: z.number().int().min(1).max(50).default(20) }).strict(),
    run: async (i, { caller }) => {
      const page = await searchMembers(i);
      return { ...page, items: await membersForOperator(await accessFor(caller.openid), page.items) };
    },
  }),
  memberDetail: action({
    auth: 'operator',
    role: 'viewer',
    input: z.object({ openid }).strict(),
    run: (i, { caller }) => memberDetail(caller.openid, i.openid),
  }),
  memberSection: action({
    auth: 'operator',
    role: 'viewer',
    input: z
      .object({ openid, section: z.enum(SECTIONS), cursor: z.string().min(1).max(300).optional(), limit: z.number().int().min(1).max(50).default(20), kinds: kinds.optional(), from: shanghaiDayInput().optional(), to: shanghaiDayInput().optional() })
      .strict(),
    run: (i) => memberSection(i),
  }),
  /** What adjust / penalty / reverse would do now: nothing written. */
  previewCorrection: action({
    auth: 'operator',
    role: 'viewer',
    input: z.object({ op: z.enum(['adjust', 'penalty', 'reverse']), member: openid.optional(), delta: z.unknown().optional(), amount: z.unknown().optional(), entry: entryId.optional() }).strict(),
    run: (i, { caller }) => {
      if (i.op === 'reverse') {
        if (!i.entry) throw new AppError('BAD_REQUEST', 'entry: required for reverse');
        return preview({ op: 'reverse', entry: i.entry }, caller.openid);
      }
      if (!i.member) throw new AppError('BAD_REQUEST', 'member: required for adjust and penalty');
      return i.op === 'adjust' ? preview({ op: 'adjust', member: i.member, delta: adjustDelta(i.delta) }, caller.openid) : preview({ op: 'penalty', member: i.member, amount: penaltyAmount(i.amount) }, caller.openid);
    },
  }),
  adjustMember: action({
    auth: 'operator',
    audit: { target: (i) => ({ collection: 'accounts', id: i.member }) },
    input: z.object({ member: openid, delta: z.unknown(), reason: z.unknown(), key: opKey }).strict(),
    run: async (i, { caller }) => entryView((await adjust({ member: i.member, delta: adjustDelta(i.delta), reason: reasonField(i.reason), key: i.key, operator: caller.openid })).entry),
  }),
  penalizeMember: action({
    auth: 'operator',
    audit: { target: (i) => ({ collection: 'accounts', id: i.member }) },
    input: z.object({ member: openid, amount: z.unknown(), reason: z.unknown(), key: opKey }).strict(),
    run: async (i, { caller }) => entryView((await penalty({ member: i.member, amount: penaltyAmount(i.amount), reason: reasonField(i.reason), key: i.key, operator: caller.openid })).entry),
  }),
  reverseEntry: action({
    auth: 'operator',
    // The reversal's own entry (the account it changes is named by the entry, not the request).
    audit: { target: (i) => ({ collection: 'ledger', id: `reverse:${i.entry}` }) },
    input: z.object({ entry: entryId, reason: z.unknown() }).strict(),
    run: async (i, { caller }) => entryView((await reverse(i.entry, { reason: reasonField(i.reason), operator: caller.openid })).entry),
  }),
};
