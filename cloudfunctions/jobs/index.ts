// jobs: scheduled work. The timer (config.json) ticks every 5 minutes: hold timeouts, then the daily
// work (expiry, reminders, roll-ups) once it is due at 00:10 Asia/Shanghai. Operators can run a
// day's work on demand.
import { z } from 'zod';
import { action, defineFunction } from '../common/handler';
import { shanghaiDayInput } from '../common/inputs';
import { runDaily, tick } from '../common/services/scheduler';
import { shanghaiDay } from '../common/time';

export const main = defineFunction({
  name: 'jobs',
  // The trigger's own Time is "now" for the tick (the same instant the platform fired it).
  onTimer: (event) => tick(new Date(event.Time)),
  actions: {
    runDaily: action({
      auth: 'operator',
      // Today or an earlier day, never a later one (it would expire points that are still live).
      input: z.object({ day: shanghaiDayInput({ notAfterToday: true }).optional() }).strict(),
      run: (input) => runDaily(input.day ?? shanghaiDay()),
    }),
  },
});
