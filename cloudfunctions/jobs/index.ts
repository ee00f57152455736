// jobs: scheduled work. The timer (config.json) ticks every 5 minutes: hold timeouts, then the daily
// work (expiry, reminders, roll-ups) once it is due at 00:10 Asia/Shanghai, then today's live
// roll-up (the dashboard's today so far). Operators can run a day's work on demand.
import { z } from 'zod';
import { action, defineFunction } from '../common/handler';
import { shanghaiDayInput } from '../common/inputs';
import { LEDGER_ROLLUP_BUDGET_MS, runLedgerRollup, runTodayRollup, TODAY_ROLLUP_BUDGET_MS } from '../common/services/rollups';
import { runDaily, tick } from '../common/services/scheduler';
import { shanghaiDay } from '../common/time';

export const main = defineFunction({
  name: 'jobs',
  // The trigger's own Time is "now" for the tick (the same instant the platform fired it).
  // From 00:10 (with the daily work), the ledger roll-up of closed days (metrics), resumed tick after
  // tick; every tick, today's entries so far (the dashboard reads them through its checkpoint).
  onTimer: async (event) => {
    const now = new Date(event.Time);
    const done = await tick(now);
    const withMetrics = done.daily === 'not-due' ? done : { ...done, metrics: await runLedgerRollup(now, LEDGER_ROLLUP_BUDGET_MS) };
    return { ...withMetrics, today: await runTodayRollup(now, TODAY_ROLLUP_BUDGET_MS) };
  },
  actions: {
    runDaily: action({
      auth: 'operator',
      // Today or an earlier day, never a later one (it would expire points that are still live).
      input: z.object({ day: shanghaiDayInput({ notAfterToday: true }).optional() }).strict(),
      run: (input) => runDaily(input.day ?? shanghaiDay()),
    }),
    rollupMetrics: action({
      auth: 'operator',
      input: z.object({}).strict(),
      run: () => runLedgerRollup(new Date(), 8_000),
    }),
  },
});
