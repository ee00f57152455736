// The console's own actions (docs/console.md): who am I, the operators and their roles, the audit.
import { z } from 'zod';
import { action } from '../common/handler';
import { shanghaiDayInput } from '../common/inputs';
import { auditLog } from '../common/ops/audit-log';
import { actionLabel } from '../common/ops/labels';
import { ADMINS, listOperators, operatorNames, saveOperator, whoami } from '../common/ops/operators';
import { ROLES, ROLE_LABEL } from '../common/ops/roles';

const openid = z.string().regex(/^[\w-]{6,64}$/, 'OPENID：6 至 64 位字母、数字、_ 或 -');

export const opsConsoleActions = {
  whoami: action({
    auth: 'operator',
    role: 'viewer',
    input: z.object({}).strict(),
    run: (_i, { caller }) => whoami(caller.openid),
  }),
  listOperators: action({
    auth: 'operator',
    role: 'owner',
    read: true,
    input: z.object({}).strict(),
    run: () => listOperators(),
  }),
  saveOperator: action({
    auth: 'operator',
    role: 'owner',
    audit: { target: (i) => ({ collection: ADMINS, id: i.openid }) },
    input: z
      .object({
        openid,
        name: z.string().trim().min(1, '姓名：请填写').max(20, '姓名：最多 20 个字'),
        role: z.enum(ROLES as unknown as [string, ...string[]]),
        disabled: z.boolean().optional(),
      })
      .strict(),
    run: (i, { caller }) => saveOperator(i as never, caller.openid),
  }),
  auditLog: action({
    auth: 'operator',
    role: 'operator',
    read: true,
    input: z
      .object({
        actor: openid.optional(),
        // `fn.action`, e.g. admin.publishCampaign (the event's own `action` names this one).
        what: z.string().regex(/^[a-z]{2,20}\.[A-Za-z]{2,40}$/, '操作：格式应为 函数.操作').optional(),
        targetId: z.string().min(1).max(128).optional(),
        outcome: z.enum(['ok', 'failed']).optional(),
        from: shanghaiDayInput().optional(),
        to: shanghaiDayInput().optional(),
        cursor: z.string().min(1).max(200).optional(),
        limit: z.number().int().min(1).max(50).default(20),
      })
      .strict()
      .refine((i) => !i.from || !i.to || i.from <= i.to, { message: '结束日期不能早于开始日期', path: ['to'] }),
    run: async (i) => {
      const [fn, act] = i.what ? i.what.split('.') : [undefined, undefined];
      const page = await auditLog({ ...i, fn, action: act });
      const names = await operatorNames([...new Set(page.items.map((r) => r.actor))]);
      return {
        ...page,
        items: page.items.map((r) => ({ ...r, actorName: names.get(r.actor) ?? '', label: actionLabel(r.fn, r.action), roleLabel: ROLE_LABEL[r.role] ?? r.role })),
      };
    },
  }),
};
