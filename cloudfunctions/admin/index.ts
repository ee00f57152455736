// admin: operator-only views and actions (the ops pages and the console call these).
import { z } from 'zod';
import { action, defineFunction } from '../common/handler';
import { COLLECTIONS } from '../common/campaigns/model';
import * as campaigns from '../common/campaigns/service';
import { grant } from '../common/campaigns/grant';
import { KINDS } from '../common/campaigns/model';
import * as members from '../common/services/members';
import { operatorPrivacyActions } from '../common/privacy/actions';
import { opsConsoleActions } from './ops-actions';
import { accessFor, membersForOperator } from '../common/privacy/access';
import { memberActions } from './members-actions';
import { riskActions } from './risk-actions';
import { rulesActions } from './rules-actions';
import { dashboardActions } from './dashboard-actions';

const campaignId = z.string().regex(/^[\w\-]{1,64}$/, 'letters, digits, _ and - only');

export const main = defineFunction({
  name: 'admin',
  actions: {
    listMembers: action({
      auth: 'operator', role: 'viewer',
      input: z
        .object({
          cursor: z.string().min(1).max(200).optional(),
          limit: z.number().int().min(1).max(50).default(20),
        })
        .strict(),
      // Phone numbers masked unless the operator's role may see them (docs/privacy.md#operators).
      run: async (input, { caller }) => {
        const page = await members.listMembers(input.cursor, input.limit);
        return { ...page, items: await membersForOperator(await accessFor(caller.openid), page.items) };
      },
    }),

    // Campaigns (docs/campaigns.md#operations): drafts, immutable published versions, an audit trail.
    listCampaigns: action({
      auth: 'operator', role: 'viewer',
      input: z.object({ kind: z.enum(KINDS).optional(), status: z.enum(['draft', 'published', 'ended']).optional() }).strict(),
      run: async (i) => ({ items: await campaigns.list(i) }),
    }),
    getCampaign: action({
      auth: 'operator', role: 'viewer',
      input: z.object({ id: campaignId }).strict(),
      run: (i) => campaigns.get(i.id),
    }),
    createCampaign: action({
      auth: 'operator',
      audit: { target: (i) => ({ collection: COLLECTIONS.campaigns, id: i.id }) },
      input: campaigns.createInput,
      run: (i, { caller }) => campaigns.createDraft(i, caller.openid),
    }),
    updateCampaign: action({
      auth: 'operator',
      audit: { target: (i) => ({ collection: COLLECTIONS.campaigns, id: i.id }) },
      input: campaigns.updateInput,
      run: (i, { caller }) => campaigns.updateDraft(i, caller.openid),
    }),
    publishCampaign: action({
      auth: 'operator',
      audit: { target: (i) => ({ collection: COLLECTIONS.campaigns, id: i.id }) },
      input: z.object({ id: campaignId }).strict(),
      run: (i, { caller }) => campaigns.publish(i.id, caller.openid),
    }),
    endCampaign: action({
      auth: 'operator',
      audit: { target: (i) => ({ collection: COLLECTIONS.campaigns, id: i.id }) },
      input: z.object({ id: campaignId }).strict(),
      run: (i, { caller }) => campaigns.end(i.id, caller.openid),
    }),
    grantPoints: action({
      auth: 'operator',
      input: z
        .object({ campaign: campaignId, member: z.string().min(1).max(64), points: z.number().int().min(1).max(1_000_000), key: campaignId })
        .strict(),
      run: (i, { caller }) => grant({ ...i, operator: caller.openid }),
    }),
    // Members' personal data by role; closed accounts (docs/privacy.md).
    ...operatorPrivacyActions,
    // The console's own: whoami, operators and roles, the audit log (docs/console.md).
    ...opsConsoleActions,
    ...memberActions, // 会员 (admin/members-actions.ts)
    ...riskActions, // 风控审核 (admin/risk-actions.ts)
    ...rulesActions, // 活动与规则, 积分规则 (admin/rules-actions.ts)
    ...dashboardActions, // 数据看板 (admin/dashboard-actions.ts)
  },
});
