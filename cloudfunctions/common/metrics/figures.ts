// The ledger figures of a scope (all campaigns, or one campaign) and how each ledger movement
// changes them. Pure: the roll-up job feeds it entries it read, the live read feeds it the rows of
// an aggregate; both go through `applyCredit` / `applyTake`, so closed days and today count alike.
//
// Every figure of a campaign follows its lots: a spend counts against the campaign of each lot it
// took, at that lot's rate. So, per campaign and rate, the points still in lots (outstanding) are
//   credited to lots (issued − debtRepaid) − spent − expired − penalized − reversed
// exactly Σ `remaining` over the live lots of that campaign and rate (tested against the accounts).
import { pointsToFen } from '../ledger/rates';

/** All campaigns together. */
export const ALL = '*';
/** A campaign's scope ('' = points issued outside campaigns). */
export const scopeOf = (campaign: string) => `c:${campaign}`;
export const campaignOfScope = (scope: string) => (scope === ALL ? null : scope.slice(2));

export interface Figures {
  /** Points credited (earn, positive adjust), including what went to repay debt. */
  issued: number;
  /** Of `issued`, what repaid debt instead of making a lot. */
  debtRepaid: number;
  /** Taken from lots by spends, commits and negative adjusts, less what reversals gave back. */
  spent: number;
  /** Taken by expiry runs, plus points returned (release, refund) to a lot already expired. */
  expired: number;
  /** Taken from lots by penalties (the part a penalty turns into debt takes no lot). */
  penalized: number;
  /** Taken back from lots by reversing credits (the part already gone turns into debt). */
  reversed: number;
}

export const FIGURES = ['issued', 'debtRepaid', 'spent', 'expired', 'penalized', 'reversed'] as const;

export interface KindFigures {
  kind: string;
  issued: number;
  spent: number;
  /** Spend entries of the kind (a mall redemption, a checkout, a game's cost): the dashboard's counts. */
  uses?: number;
}

export interface RatePoints {
  rate: number;
  points: number;
}

/** A scope's day (or live window) being counted. */
export interface Tally extends Figures {
  /** source.kind → points issued and spent, and spend entries (uses). */
  kinds: Map<string, KindTally>;
  /** rate → change of the points in lots. */
  rates: Map<number, number>;
}

export interface KindTally {
  issued: number;
  spent: number;
  uses: number;
}

export const emptyFigures = (): Figures => ({ issued: 0, debtRepaid: 0, spent: 0, expired: 0, penalized: 0, reversed: 0 });
export const emptyTally = (): Tally => ({ ...emptyFigures(), kinds: new Map(), rates: new Map() });

function kindOf(t: Tally, kind: string) {
  let k = t.kinds.get(kind);
  if (!k) t.kinds.set(kind, (k = { issued: 0, spent: 0, uses: 0 }));
  return k;
}
const addRate = (t: Tally, rate: number, points: number) => t.rates.set(rate, (t.rates.get(rate) ?? 0) + points);

/** A credit (earn or positive adjust) of `amount`, `debtRepaid` of it repaying debt. */
export function applyCredit(t: Tally, c: { amount: number; debtRepaid: number; rate: number; kind: string }): void {
  t.issued += c.amount;
  t.debtRepaid += c.debtRepaid;
  kindOf(t, c.kind).issued += c.amount;
  if (c.amount - c.debtRepaid) addRate(t, c.rate, c.amount - c.debtRepaid);
}

/** Entry types whose `lots` / `expiredLots` move points out of (or back into) lots. */
export const TAKE_TYPES = ['spend', 'adjust', 'penalty', 'expire', 'release', 'reverse'] as const;

/**
 * One take of a lot by a non-credit entry: `type` and `negative` (its delta < 0) say what it was;
 * `expiredPart` = the take is listed in `expiredLots` (points returned to a lot already expired);
 * `uses`: spend entries this row stands for (1 on an entry's first take, or a count from an aggregate).
 * Returns the role it gives the member ('spend' for spends) or null.
 */
export function applyTake(
  t: Tally,
  m: { type: string; negative: boolean; expiredPart: boolean; amount: number; rate: number; kind: string; uses?: number },
): 'spend' | null {
  const { amount: a, rate } = m;
  if (m.expiredPart) {
    // A release or a refund gave points back to a lot already past its expiry: they expired.
    if (m.type === 'release' || (m.type === 'reverse' && !m.negative)) {
      t.expired += a;
      addRate(t, rate, -a);
    }
    return null;
  }
  switch (m.type) {
    case 'spend':
    case 'adjust': // reaches here only when negative (a positive adjust is a credit)
      t.spent += a;
      kindOf(t, m.kind).spent += a;
      if (m.type === 'spend') kindOf(t, m.kind).uses += m.uses ?? 0;
      addRate(t, rate, -a);
      return 'spend';
    case 'penalty':
      t.penalized += a;
      addRate(t, rate, -a);
      return null;
    case 'expire':
      t.expired += a;
      addRate(t, rate, -a);
      return null;
    case 'reverse':
      if (m.negative) {
        t.reversed += a; // a credit reversed: taken back from its lot
        addRate(t, rate, -a);
      } else {
        t.spent -= a; // a spend reversed: its takes return (those to expired lots expire: expiredPart)
        kindOf(t, m.kind).spent -= a;
        addRate(t, rate, a);
      }
      return null;
    default:
      return null; // release (its plain takes were held points: nothing left the lots), hold
  }
}

/** Liability in fen of points per rate: each rate's points valued at that rate, rounded down once per rate. */
export const liabilityFen = (rates: RatePoints[]) => rates.reduce((s, r) => s + pointsToFen(r.points, r.rate), 0);

export const kindsList = (t: Tally): KindFigures[] =>
  [...t.kinds].filter(([, v]) => v.issued || v.spent || v.uses).map(([kind, v]) => ({ kind, ...v })).sort((a, b) => (a.kind < b.kind ? -1 : 1));
export const ratesList = (m: Map<number, number>): RatePoints[] =>
  [...m].filter(([, p]) => p !== 0).map(([rate, points]) => ({ rate, points })).sort((a, b) => a.rate - b.rate);

/** Sum of rate lists. */
export function addRates(...lists: RatePoints[][]): RatePoints[] {
  const m = new Map<number, number>();
  for (const l of lists) for (const r of l) m.set(r.rate, (m.get(r.rate) ?? 0) + r.points);
  return ratesList(m);
}

export function addKinds(...lists: KindFigures[][]): KindFigures[] {
  const m = new Map<string, KindTally>();
  for (const l of lists)
    for (const k of l) {
      const v = m.get(k.kind) ?? { issued: 0, spent: 0, uses: 0 };
      v.issued += k.issued;
      v.spent += k.spent;
      v.uses += k.uses ?? 0; // day documents rolled up before `uses` have none
      m.set(k.kind, v);
    }
  return [...m].filter(([, v]) => v.issued || v.spent || v.uses).map(([kind, v]) => ({ kind, ...v })).sort((a, b) => (a.kind < b.kind ? -1 : 1));
}

export function addFigures<T extends Figures>(into: T, add: Figures): T {
  for (const f of FIGURES) into[f] += add[f];
  return into;
}

export const figuresOf = (t: Figures): Figures => Object.fromEntries(FIGURES.map((f) => [f, t[f]])) as unknown as Figures;

/** Adds `add` into `into` (figures, kinds, rates): tallies of disjoint sets of entries add up to the tally of their union. */
export function addTally(into: Tally, add: Tally): Tally {
  addFigures(into, add);
  for (const [kind, v] of add.kinds) {
    const k = kindOf(into, kind);
    k.issued += v.issued;
    k.spent += v.spent;
    k.uses += v.uses;
  }
  for (const [rate, points] of add.rates) addRate(into, rate, points);
  return into;
}
