// The ledger's invariants checked over a whole database, shared by the tests and the bench
// (ledger_invariant_violations): one replay of the entries, not a copy per suite.
import type { Engine } from '../../local/engine';
import type { Account, Entry, Hold } from '../../cloudfunctions/common/ledger/model';
import { unpackLots, type StoredLot } from '../../cloudfunctions/common/ledger/lots';

/**
 * The ledger's invariants over the whole database: balance = Σ remaining − debt, held = Σ lot held
 * = Σ open holds, and replaying every entry from nothing rebuilds every lot and every account's
 * balance, held and debt. Returns what disagrees.
 */
export function invariantViolations(engine: Engine): string[] {
  const out: string[] = [];
  const accounts = engine.dump('accounts') as Account[];
  const entries = engine.dump('ledger') as Entry[];
  const holds = engine.dump('holds') as Hold[];
  const lotState = new Map<string, { remaining: number; held: number }>();
  const acct = new Map<string, { balance: number; held: number; debt: number }>();
  const a = (m: string) => acct.get(m) ?? (acct.set(m, { balance: 0, held: 0, debt: 0 }), acct.get(m)!);
  const l = (id: string) => lotState.get(id) ?? (lotState.set(id, { remaining: 0, held: 0 }), lotState.get(id)!);
  for (const e of entries) {
    const s = a(e.member);
    s.balance += e.delta;
    s.debt += (e.debtCreated ?? 0) - (e.debtRepaid ?? 0);
    const restores = e.type === 'reverse' && e.delta + (e.expiredLots ?? []).reduce((x, t) => x + t.amount, 0) > 0;
    for (const t of e.lots) {
      const lot = l(`${e.member}/${t.lotId}`);
      if ((e.type === 'earn' || e.type === 'adjust') && e.delta > 0) lot.remaining += t.amount;
      else if (e.type === 'hold') lot.held += t.amount;
      else if (e.type === 'release') lot.held -= t.amount;
      else if (e.type === 'spend' && e.ref) {
        lot.remaining -= t.amount;
        lot.held -= t.amount;
      } else if (e.type === 'reverse') lot.remaining += restores ? t.amount : -t.amount;
      else lot.remaining -= t.amount;
    }
    for (const t of e.expiredLots ?? []) l(`${e.member}/${t.lotId}`).remaining -= t.amount;
    if (e.type === 'hold') s.held += e.amount;
    if (e.type === 'release' || (e.type === 'spend' && e.ref)) s.held -= e.amount;
  }
  for (const account of accounts) {
    const lots = unpackLots(account.lots as StoredLot[]);
    const remaining = lots.reduce((s, x) => s + x.remaining, 0);
    const held = lots.reduce((s, x) => s + x.held, 0);
    const open = holds.filter((h) => h.member === account._id && h.status === 'open').reduce((s, h) => s + h.amount, 0);
    const r = acct.get(account._id) ?? { balance: 0, held: 0, debt: 0 };
    const m = account._id;
    if (account.balance !== remaining - account.debt) out.push(`${m}: balance ${account.balance} ≠ Σ remaining ${remaining} − debt ${account.debt}`);
    if (account.held !== held || held !== open) out.push(`${m}: held ${account.held}, Σ lot held ${held}, open holds ${open}`);
    if (r.balance !== account.balance || r.held !== account.held || r.debt !== account.debt) out.push(`${m}: replay ${JSON.stringify(r)} ≠ account`);
    for (const lot of lots) {
      const s = lotState.get(`${m}/${lot._id}`) ?? { remaining: 0, held: 0 };
      if (s.remaining !== lot.remaining || s.held !== lot.held) out.push(`${m}/${lot._id}: replay ${JSON.stringify(s)} ≠ ${lot.remaining}/${lot.held}`);
    }
  }
  // Every member the entries name has its account (none left behind under an old id).
  for (const m of acct.keys()) if (!accounts.some((x) => x._id === m)) out.push(`${m}: entries without an account`);
  return out;
}
