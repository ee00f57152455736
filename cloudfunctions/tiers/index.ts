// tiers: member tiers (会员等级, docs/tiers.md). Members read their tier page and badge; operators
// read and save the tier scheme (thresholds, benefits, growth sources, cycle).
import { z } from 'zod';
import { action, defineFunction } from '../common/handler';
import { schemeSchema } from '../common/tiers/rules';
import { COLLECTIONS, loadScheme, myTier, saveScheme, tierOf } from '../common/tiers/service';
import { addKeepCredit, tierTemplateId } from '../common/tiers/reminders';

const key = z.string().regex(/^[\w:.\-|@]{1,128}$/, 'key must be 1-128 characters of letters, digits and _ : . - | @');

export const main = defineFunction({
  name: 'tiers',
  actions: {
    mine: action({ auth: 'member', input: z.object({}).strict(), run: async (_i, { caller }) => ({ ...(await myTier(caller.openid)), templateId: tierTemplateId() }) }),
    // One accepted requestSubscribeMessage = one keep reminder; `key` makes a retried report count once.
    subscribeKeep: action({
      auth: 'member',
      input: z.object({ key, templateId: z.string().min(1).max(64) }).strict(),
      run: async (i, { caller }) => (i.templateId !== tierTemplateId() ? { credits: 0, accepted: false } : { credits: await addKeepCredit(caller.openid, i.key), accepted: true }),
    }),
    badge: action({ auth: 'member', input: z.object({}).strict(), run: (_i, { caller }) => tierOf(caller.openid) }),
    scheme: action({ auth: 'operator', role: 'viewer', input: z.object({}).strict(), run: () => loadScheme() }),
    saveScheme: action({ auth: 'operator', audit: { target: () => ({ collection: COLLECTIONS.schemes, id: 'current' }) }, input: schemeSchema, run: (i, { caller }) => saveScheme(i, caller.openid) }),
  },
});
