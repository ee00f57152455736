// Verifies a game pool's draws after its seed is revealed (docs/play.md#verification):
//   npx tsx scripts/verify-draws.ts draws.json
// where draws.json is what `play.exportDraws` gives an operator (or a member's own draws from the
// 验证 sheet): { pool, commit, seed, rule, records: [{ shard, seq, member, key, roll, prize, prev,
// hash, before?, fallbackFrom? }] }. Checks: SHA256(seed) = commit; each roll = HMAC-SHA256(seed,
// "<member>:<key>"); each record's hash and its link to the previous record of its shard (none
// dropped, inserted or reordered); each prize is the one the roll names — odds: by the published
// weights (a fallback only for a prize that did run out); deck: the ticket among the shard's
// remaining counts, replayed from the published split. Prints the problems; exit code 1 if any.
import fs from 'node:fs';
import { byDeck, byOdds, splitStock } from '../cloudfunctions/common/play/engine';
import { commitOf, GENESIS, recordHash, rollOf } from '../cloudfunctions/common/play/fair';
import type { Pool } from '../cloudfunctions/common/play/model';

export interface LogRecord {
  pool?: string;
  shard: number;
  seq: number;
  member: string;
  key: string;
  roll: string;
  prize: string;
  prev: string;
  hash: string;
  before?: Record<string, number>;
  fallbackFrom?: string;
}

export interface DrawLog {
  pool: string;
  commit: string;
  seed: string;
  rule: Pool;
  records: LogRecord[];
}

export function verifyLog(log: DrawLog): { ok: boolean; problems: string[]; checked: number } {
  const problems: string[] = [];
  if (commitOf(log.seed) !== log.commit) problems.push('commit: SHA256(seed) does not match the published commitment');
  const pool = log.rule;
  const initial = splitStock(pool);
  const byShard = new Map<number, LogRecord[]>();
  for (const r of log.records) byShard.set(r.shard, [...(byShard.get(r.shard) ?? []), r]);
  const won: Record<string, number> = {};
  for (const [shard, rs] of byShard) {
    rs.sort((a, b) => a.seq - b.seq);
    let prev = GENESIS;
    const remaining = { ...(initial[shard] ?? {}) };
    rs.forEach((r, i) => {
      const at = `shard ${shard} seq ${r.seq}`;
      if (r.seq !== i + 1 || r.prev !== prev) problems.push(`${at}: chain broken (a record is missing, added or out of order)`);
      if (recordHash({ pool: log.pool, shard, seq: r.seq, member: r.member, key: r.key, roll: r.roll, prize: r.prize, prev: r.prev }) !== r.hash) problems.push(`${at}: record hash does not match its fields`);
      if (rollOf(log.seed, r.member, r.key) !== r.roll) problems.push(`${at}: roll is not HMAC-SHA256(seed, member:key)`);
      if (pool.mode === 'deck') {
        const named = byDeck(pool, r.roll, remaining)?.prize.id;
        if (named !== r.prize) problems.push(`${at}: prize ${r.prize}, but the roll names ${named}`);
        if (named && remaining[named] > 0) remaining[named]--;
      } else {
        const named = byOdds(pool, r.roll, () => true).prize.id;
        if (r.fallbackFrom ? r.fallbackFrom !== named || r.prize !== pool.fallback : r.prize !== named) problems.push(`${at}: prize ${r.prize}, but the roll names ${named}`);
      }
      won[r.prize] = (won[r.prize] ?? 0) + 1;
      prev = r.hash;
    });
  }
  // A fallback is only allowed for a prize that did run out; no prize is given past its count.
  for (const p of pool.prizes) {
    if (p.count !== null && (won[p.id] ?? 0) > p.count) problems.push(`prize ${p.id}: ${won[p.id]} given, only ${p.count} exist`);
    const fell = log.records.filter((r) => r.fallbackFrom === p.id).length;
    if (fell && (won[p.id] ?? 0) < (p.count ?? Infinity)) problems.push(`prize ${p.id}: replaced by the fallback ${fell} times though not all ${p.count} were given`);
  }
  return { ok: problems.length === 0, problems, checked: log.records.length };
}

if (require.main === module) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: npx tsx scripts/verify-draws.ts draws.json');
    process.exit(2);
  }
  const result = verifyLog(JSON.parse(fs.readFileSync(file, 'utf8')) as DrawLog);
  console.log(result.ok ? `全部 ${result.checked} 次抽奖验证通过` : `验证失败：\n${result.problems.join('\n')}`);
  process.exit(result.ok ? 0 : 1);
}
