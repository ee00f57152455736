// jobs: scheduled work. The timer in config.json fires daily at 00:10 Asia/Shanghai; operators can
// re-run a day on demand.
import { z } from 'zod';
import { action, defineFunction } from '../common/handler';
import { runDaily } from '../common/services/rollups';

export const main = defineFunction({
  name: 'jobs',
  onTimer: () => runDaily(),
  actions: {
    runDaily: action({
      auth: 'operator',
      input: z.object({ day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'day must be YYYY-MM-DD').optional() }).strict(),
      run: (input) => runDaily(new Date(), input.day),
    }),
  },
});
