// The dashboard's actions (数据看板, docs/console.md): reads only, for every operator role.
import { z } from 'zod';
import { action } from '../common/handler';
import { dashboard, dashboardExport } from '../common/metrics/dashboard';

export const dashboardActions = {
  // Figures of today / 7 / 30 days, every campaign's A/B/C/D, the chart series (roll-ups only).
  dashboard: action({
    auth: 'operator',
    role: 'viewer',
    input: z.object({}).strict(),
    run: () => dashboard(),
  }),
  // The same figures as CSV: Chinese headers, Shanghai times.
  exportDashboard: action({
    auth: 'operator',
    role: 'viewer',
    input: z.object({}).strict(),
    run: () => dashboardExport(),
  }),
};
