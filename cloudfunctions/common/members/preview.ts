// What an operator's correction would do, before it is done (docs/api.md#previewcorrection): the
// member's account is read once (outside any transaction, nothing written) and handed to the
// ledger's own pure planners (ledger/plans.ts) — the same arithmetic the operation will run, never
// a copy. The answer is the totals before and after, what comes from lots, what becomes debt or
// repays it. The operation itself re-reads and re-plans in its transaction, so a balance that moved
// in between is applied as it then is (the confirmation shows the effect as of the preview).
import { AppError } from '../errors';
import type { Account, Entry } from '../ledger/model';
import { readAccount, readEntries, readEntry } from '../ledger/access';
import { normalise, planCredit, planDebit, planHold, planPenalty, planReverse, type FoldedLot, type Plan, type StoredAccount } from '../ledger/plans';
import { DEFAULT_EXPIRY } from '../ledger/policy';
import { currentRate } from '../ledger/settings';
import { isOwned, type SourceKind } from '../ledger/sources';

export type Correction =
  | { op: 'adjust'; member: string; delta: number }
  | { op: 'penalty'; member: string; amount: number }
  | { op: 'reverse'; entry: string; owner?: SourceKind }
  | { op: 'freeze'; member: string; amount?: number };

export interface Totals {
  balance: number;
  held: number;
  debt: number;
  available: number;
}

export interface Preview {
  op: Correction['op'];
  member: string;
  /** Signed change of the balance. */
  delta: number;
  before: Totals;
  after: Totals;
  /** Points taken from (−) or put into (+) lots. */
  fromLots: number;
  debtCreated: number;
  debtRepaid: number;
  /** For a reversal: the entry it undoes. */
  entry?: { id: string; type: string; amount: number; kind: string; reason: string; createdAt: string };
}

const totals = (a: Pick<Account, 'balance' | 'held' | 'debt'>): Totals => ({ balance: a.balance, held: a.held, debt: a.debt, available: Math.max(0, a.balance - a.held) });
const PREVIEW_KEY = 'preview';

async function accountOf(member: string): Promise<Account> {
  const data = await readAccount(member);
  if (!data) throw new AppError('NOT_FOUND', '会员没有积分账户');
  return normalise(data as StoredAccount);
}

async function entryOf(id: string): Promise<Entry> {
  const data = await readEntry(id);
  if (!data) throw new AppError('NOT_FOUND', '积分流水不存在');
  return data;
}

/** Lots of a spend that left the account: their campaign and expiry from the credit entries (as the reversal reads them). */
async function foldedOf(account: Account, e: Entry): Promise<Map<string, FoldedLot>> {
  const missing = e.lots.filter((t) => !account.lots.some((l) => l._id === t.lotId)).map((t) => t.lotId.replace(/^lot:/, ''));
  const out = new Map<string, FoldedLot>();
  if (!missing.length || e.delta > 0) return out;
  for (const c of await readEntries(missing)) out.set(`lot:${c._id}`, { campaign: c.campaign, expiresAt: new Date(c.expiresAt!) });
  return out;
}

const keyed = { key: PREVIEW_KEY, fingerprint: '' };

export async function preview(c: Correction, operator: string, now = new Date()): Promise<Preview> {
  let member: string;
  let plan: Plan;
  let account: Account;
  let entry: Entry | undefined;
  if (c.op === 'reverse') {
    entry = await entryOf(c.entry);
    if (isOwned(entry.source.kind) && c.owner !== entry.source.kind) {
      throw new AppError('NOT_REVERSIBLE', `a ${entry.source.kind} entry is reversed through its ${entry.source.kind} (cancel or refund)`);
    }
    if (await readEntry(`reverse:${entry._id}`)) throw new AppError('NOT_REVERSIBLE', '该笔积分已撤销');
    member = entry.member;
    account = await accountOf(member);
    plan = planReverse(account, entry, await foldedOf(account, entry), { ...keyed, reason: '-', operator }, now);
  } else {
    member = c.member;
    account = await accountOf(member);
    if (c.op === 'adjust') {
      const req = { ...keyed, member, source: { kind: 'ops', ref: operator }, reason: '-', operator };
      plan = c.delta > 0
        ? planCredit(account, { ...req, amount: c.delta, type: 'adjust', campaign: '', policy: DEFAULT_EXPIRY, rate: await currentRate(now) }, now)
        : planDebit(account, { ...req, amount: -c.delta, type: 'adjust' }, now);
    } else if (c.op === 'penalty') {
      plan = planPenalty(account, { ...keyed, member, amount: c.amount, reason: '-', operator }, now);
    } else {
      const amount = c.amount ?? Math.max(0, account.balance - account.held);
      if (amount <= 0) throw new AppError('INSUFFICIENT_POINTS', '没有可冻结的积分');
      plan = planHold(account, { ...keyed, member, amount, source: { kind: 'ops', ref: operator }, ttlSeconds: 60, reason: '-' }, now);
    }
  }
  const e = plan.entry;
  const fromLots = e.lots.reduce((s, t) => s + t.amount, 0) * (e.delta < 0 || e.type === 'hold' ? -1 : 1);
  return {
    op: c.op,
    member,
    delta: e.delta,
    before: totals(account),
    after: totals(plan.after),
    fromLots,
    debtCreated: e.debtCreated ?? 0,
    debtRepaid: e.debtRepaid ?? 0,
    ...(entry ? { entry: { id: entry._id, type: entry.type, amount: entry.amount, kind: entry.source.kind, reason: entry.reason, createdAt: new Date(entry.createdAt).toISOString() } } : {}),
  };
}
