// npm run bench [-- --quick]: speed and memory figures as a table, then one BENCH_JSON line.
// Targets (2 cores) are listed beside each figure; a miss is reported, not thrown.
import { benchEngine } from './engine';
import { benchInvoke } from './invoke';
import { benchLedger } from './ledger';

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
};

async function main() {
  const quick = process.argv.includes('--quick');
  const started = Date.now();
  const results: Record<string, number> = {
    ...(await benchInvoke({ quick })),
    ...(await benchLedger({ quick })),
    ...(await benchEngine({ quick })),
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
