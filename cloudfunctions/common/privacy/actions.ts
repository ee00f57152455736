// The privacy actions, as tables the functions spread into theirs: the member's own (user) and the
// operators' (admin). Identity only from the context: a `member` field naming anyone else is FORBIDDEN.
import { z } from 'zod';
import { action } from '../handler';
import { AppError } from '../errors';
import { getDb } from '../cloud';
import * as members from '../services/members';
import { accessFor, membersForOperator } from './access';
import { closeAccount, preview, tombstoneId, PRIVACY } from './closure';
import { exportMyData } from './export';
import { CLOSURE_POLICIES } from './rules';

/** Optional, for clients that name the member: it must be the caller. */
const self = z.string().min(1).max(128).optional();
const mustBeCaller = (member: string | undefined, caller: string) => {
  if (member !== undefined && member !== caller) throw new AppError('FORBIDDEN', 'a member can only see or close their own account');
};

export const memberPrivacyActions = {
  exportMyData: action({
    auth: 'member',
    input: z.object({ member: self }).strict(),
    run: (i, { caller }) => (mustBeCaller(i.member, caller.openid), exportMyData(caller.openid)),
  }),
  closurePreview: action({
    auth: 'member',
    input: z.object({ member: self }).strict(),
    run: (i, { caller }) => (mustBeCaller(i.member, caller.openid), preview(caller.openid)),
  }),
  closeAccount: action({
    auth: 'member',
    // The points the member was shown would be forfeited (closurePreview.forfeit).
    input: z.object({ member: self, confirmForfeit: z.number().int().min(0).max(1_000_000_000) }).strict(),
    run: (i, { caller }) => (mustBeCaller(i.member, caller.openid), closeAccount(caller.openid, i.confirmForfeit)),
  }),
};

export const operatorPrivacyActions = {
  /** One member by OPENID: masked by role; a closed account answers only that it is closed. */
  lookupMember: action({
    auth: 'operator', role: 'viewer',
    input: z.object({ openid: z.string().min(1).max(128) }).strict(),
    run: async (i, { caller }) => {
      const { data } = await getDb().collection('members').doc(i.openid).get().catch(() => ({ data: null }));
      if (!data) {
        const { data: closed } = await getDb().collection(PRIVACY.closed).doc(tombstoneId(i.openid)).get().catch(() => ({ data: null }));
        if (closed) return { closed: true, closedAt: new Date((closed as { closedAt: Date }).closedAt).toISOString() };
        throw new AppError('NOT_FOUND', 'no such member');
      }
      const [member] = await membersForOperator(await accessFor(caller.openid), [members.toMemberView(data as members.MemberDoc)]);
      return { closed: false, member };
    },
  }),
  setClosurePolicy: action({
    auth: 'operator',
    input: z.object({ closurePolicy: z.enum(CLOSURE_POLICIES as [string, ...string[]]) }).strict(),
    run: async (i, { caller }) => {
      await getDb().collection('settings').doc('privacy').set({ data: { closurePolicy: i.closurePolicy, updatedAt: new Date(), updatedBy: caller.openid } });
      return { closurePolicy: i.closurePolicy };
    },
  }),
};
