// tiers: member tiers (会员等级, docs/tiers.md). Members read their tier page and badge; operators
// read and save the tier scheme (thresholds, benefits, growth sources, cycle).
import { z } from 'zod';
import { action, defineFunction } from '../common/handler';
import { schemeSchema } from '../common/tiers/rules';
import { loadScheme, myTier, saveScheme, tierOf } from '../common/tiers/service';

export const main = defineFunction({
  name: 'tiers',
  actions: {
    mine: action({ auth: 'member', input: z.object({}).strict(), run: (_i, { caller }) => myTier(caller.openid) }),
    badge: action({ auth: 'member', input: z.object({}).strict(), run: (_i, { caller }) => tierOf(caller.openid) }),
    scheme: action({ auth: 'operator', input: z.object({}).strict(), run: () => loadScheme() }),
    saveScheme: action({ auth: 'operator', input: schemeSchema, run: (i, { caller }) => saveScheme(i, caller.openid) }),
  },
});
