// npm run bench [-- --quick]: speed and memory figures as a table, then one BENCH_JSON line.
// Targets (2 cores) are listed beside each figure; a miss is reported, not thrown.
import { benchCloudModel } from './cloud-model';
import { benchCodes } from './codes';
import { benchCounter } from './counter';
import { benchEngine } from './engine';
import { benchGames } from './games';
import { benchInvoke } from './invoke';
import { benchLedger } from './ledger';
import { benchMall } from './mall';
import { benchMetrics } from './metrics';
import { benchDashboard } from './dashboard';
import { benchWeapp } from './weapp';
import { benchSignin } from './signin';
import { benchOrders } from './orders';

interface Target {
  op: '>=' | '<=';
  value: number;
}

const TARGETS: Record<string, Target> = {
  engine_get_by_id_per_s: { op: '>=', value: 50_000 },
  engine_indexed_query_ratio_1m_vs_10k: { op: '<=', value: 3 },
  engine_rss_mb_1m_docs: { op: '<=', value: 1500 },
  invoke_login_per_s: { op: '>=', value: 2_000 },
  db_requests_per_login_repeat: { op: '<=', value: 1 },
  ledger_debit_per_s: { op: '>=', value: 1_000 },
  ledger_invariant_violations: { op: '<=', value: 0 },
  ledger_db_requests_per_credit: { op: '<=', value: 5 },
  ledger_db_requests_per_debit: { op: '<=', value: 5 },
  ledger_db_requests_per_hold: { op: '<=', value: 6 },
  ledger_db_requests_per_commit: { op: '<=', value: 7 },
  account_doc_kb_daily_earner: { op: '<=', value: 32 },
  expiry_1m_lots_s: { op: '<=', value: 60 },
  expiry_rss_mb: { op: '<=', value: 2_000 },
  mall_redeem_attempts_per_s: { op: '>=', value: 500 },
  mall_oversell: { op: '<=', value: 0 },
  mall_db_requests_per_redeem: { op: '<=', value: 10 },
  codes_forged_reject_per_s: { op: '>=', value: 100_000 },
  codes_db_requests_per_forged: { op: '<=', value: 0 },
  codes_scan_per_s: { op: '>=', value: 1_000 },
  codes_double_credits: { op: '<=', value: 0 },
  codes_db_requests_per_scan: { op: '<=', value: 7 },
  codes_generate_1m_s: { op: '<=', value: 60 },
  counter_overtake: { op: '<=', value: 0 },
  budget_overissue: { op: '<=', value: 0 },
  signin_db_requests: { op: '<=', value: 6 },
  signin_double_credits: { op: '<=', value: 0 },
  signin_per_s: { op: '>=', value: 1_000 },
  cloud_model_conflict_answers: { op: '<=', value: 0 },
  metrics_db_requests: { op: '<=', value: 5 },
  metrics_collection_scans: { op: '<=', value: 0 },
  metrics_accounts_examined: { op: '<=', value: 0 },
  metrics_max_reply_docs: { op: '<=', value: 1_000 },
  metrics_max_reply_kb: { op: '<=', value: 1_024 },
  order_earn_per_s: { op: '>=', value: 1_000 },
  game_draws_per_s: { op: '>=', value: 500 },
  game_prize_oversell: { op: '<=', value: 0 },
  game_cap_violations: { op: '<=', value: 0 },
  game_db_requests_per_draw: { op: '<=', value: 10 },
  ops_dashboard_requests_growth: { op: '<=', value: 0 },
  ops_dashboard_collection_scans: { op: '<=', value: 0 },
  ops_dashboard_accounts_examined: { op: '<=', value: 0 },
  ops_dashboard_max_reply_docs: { op: '<=', value: 1_000 },
  ops_dashboard_max_reply_kb: { op: '<=', value: 1_024 },
  weapp_main_package_kb: { op: '<=', value: 1_024 },
  weapp_largest_subpackage_kb: { op: '<=', value: 2_048 },
};

async function main() {
  const quick = process.argv.includes('--quick');
  const started = Date.now();
  const results: Record<string, number> = {
    ...(await benchInvoke({ quick })),
    ...(await benchLedger({ quick })),
    ...(await benchMall({ quick })),
    ...(await benchCodes({ quick })),
    ...(await benchCounter({ quick })),
    ...(await benchMetrics({ quick })),
    ...(await benchSignin({ quick })),
    ...(await benchOrders({ quick })),
    ...(await benchEngine({ quick })),
    ...(await benchCloudModel({ quick })),
    ...(await benchGames({ quick })),
    ...(await benchDashboard({ quick })),
    ...(await benchWeapp()),
  };
  const rows = Object.entries(results).map(([key, value]) => {
    const t = TARGETS[key];
    const met = !t ? 'reported' : (t.op === '>=' ? value >= t.value : value <= t.value) ? 'met' : 'MISSED';
    return [key, String(value), t ? `${t.op} ${t.value}` : '', met];
  });
  const widths = [0, 1, 2, 3].map((i) => Math.max(...[['figure', 'value', 'target', ''], ...rows].map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join('  ');
  console.log(`\nbench${quick ? ' (quick)' : ''} — ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  console.log(line(['figure', 'value', 'target', '']));
  rows.forEach((r) => console.log(line(r)));
  console.log(`BENCH_JSON ${JSON.stringify({ quick, ...results })}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
