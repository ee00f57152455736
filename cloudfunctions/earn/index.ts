// earn: a member's daily sign-in (签到, 补签) and task centre (任务中心) (docs/earn.md). The
// campaigns behind them are created and published by operators through `admin` (kinds `signin`
// and `task`). Identity only from the WeChat context; every amount is decided on the server.
import { z } from 'zod';
import { action, defineFunction } from '../common/handler';
import { shanghaiDayInput } from '../common/inputs';
import * as signin from '../common/earn/signin';
import { claimTask, listTasks } from '../common/earn/tasks';
import { addSigninCredit, signinTemplateId } from '../common/earn/reminders';
import { shanghaiDay } from '../common/time';

const key = z.string().regex(/^[\w:.\-|@]{1,128}$/, 'key must be 1-128 characters of letters, digits and _ : . - | @');
const taskId = z.string().regex(/^[\w\-]{1,64}$/, 'letters, digits, _ and - only');
const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'month must be YYYY-MM').refine((m) => m >= '2000-01' && m <= '2099-12', 'month must be in 2000-2099');


export const main = defineFunction({
  name: 'earn',
  actions: {
    signinStatus: action({
      auth: 'member',
      input: z.object({ month: month.optional() }).strict(),
      run: async (i, { caller }) => ({ ...(await signin.status(caller.openid, i)), templateId: signinTemplateId() }),
    }),
    signIn: action({
      auth: 'member',
      // `day`, when sent, must be today (Asia/Shanghai): a page left open over midnight signs no stale day.
      input: z.object({ day: shanghaiDayInput().optional() }).strict(),
      run: (i, { caller }) => signin.signIn(caller.openid, i),
    }),
    makeUp: action({
      auth: 'member',
      input: z.object({ day: shanghaiDayInput(), pay: z.enum(['points', 'card']).default('points') }).strict(),
      run: (i, { caller }) => signin.makeUp(caller.openid, i),
    }),
    subscribeSignin: action({
      auth: 'member',
      // One accepted requestSubscribeMessage = one reminder; `key` makes a retried report count once.
      input: z.object({ key, templateId: z.string().min(1).max(64) }).strict(),
      run: async (i, { caller }) => {
        if (i.templateId !== signinTemplateId()) return { credits: 0, accepted: false };
        return { credits: await addSigninCredit(caller.openid, i.key), accepted: true };
      },
    }),
    tasks: action({
      auth: 'member',
      input: z.object({}).strict(),
      run: (_i, { caller }) => listTasks(caller.openid),
    }),
    claimTask: action({
      auth: 'member',
      input: z.object({ id: taskId }).strict(),
      run: (i, { caller }) => claimTask(caller.openid, i.id),
    }),
    home: action({
      auth: 'member',
      // 首页's card: today's sign-in state and the tasks still to do (at most 3).
      input: z.object({}).strict(),
      run: async (_i, { caller }) => {
        const [s, t] = await Promise.all([signin.status(caller.openid), listTasks(caller.openid, new Date(), { pay: false })]);
        const todo = t.items.filter((x) => x.state !== 'claimed');
        return {
          today: shanghaiDay(),
          signin: s.available ? { available: true, signedToday: s.signedToday, streak: s.streak, todayReward: s.todayReward, next: s.next } : { available: false },
          tasksToDo: todo.length,
          tasks: todo.slice(0, 3),
          templateId: signinTemplateId(),
        };
      },
    }),
  },
});
