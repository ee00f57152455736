// Risk review (docs/risk.md): cases built from facts already stored, and what operators did about them.

export const COLLECTIONS = {
  cases: 'riskCases',
  /** `jobRuns/riskCases`: how far the facts were read (the events' cursor, the days scanned). */
  runs: 'jobRuns',
} as const;

export const RUN_ID = 'riskCases';

export const CASE_KINDS = ['counterfeit', 'diversion', 'bruteforce', 'velocity', 'draws'] as const;
export type CaseKind = (typeof CASE_KINDS)[number];

export const CASE_STATUSES = ['open', 'actioned', 'dismissed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** One fact a case rests on, as shown to the operator. `id` is the fact's own key (a risk event's id, `velocity:<member>:<day>`…). */
export interface Evidence {
  id: string;
  at: string; // ISO instant
  member: string;
  code: string;
  batch: string;
  province: string;
  /** A figure of the fact: the scans of a code, points earned that day, draws that day. */
  figure: number;
  /** The same figure's norm where there is one (velocity: the threshold it passed). */
  norm: number;
}

export interface CaseAction {
  action: 'freeze' | 'unfreeze' | 'clawBack' | 'restore' | 'block' | 'unblock' | 'voidCode' | 'unvoidCode' | 'voidBatch' | 'dismiss' | 'reopen';
  by: string;
  at: Date;
  note: string;
  member?: string;
  /** The ledger key (hold, entry) or batch it acted on. */
  ref?: string;
  amount?: number;
}

export interface RiskCase {
  _id: string; // the case key: the same facts always make the same key
  kind: CaseKind;
  status: CaseStatus;
  /** What the case is about: a code (counterfeit), a batch and province (diversion), a member and day (others). */
  code: string;
  batch: string;
  province: string;
  member: string;
  day: string;
  /** Every member the evidence names (≤ MAX_MEMBERS). */
  members: string[];
  /** The facts, newest last (≤ MAX_EVIDENCE; `facts` counts them all). */
  evidence: Evidence[];
  facts: number;
  firstAt: Date;
  lastAt: Date;
  actions: CaseAction[];
  /** Bumped by every write: updates are conditional on it (two refreshes or actions never lose one another's). */
  rev: number;
  createdAt: Date;
  updatedAt: Date;
}

export const MAX_EVIDENCE = 50;
export const MAX_MEMBERS = 50;

/** Velocity: a member earning more in a day than FACTOR × the norm (mean points per earning member per day), and at least MIN. */
export const VELOCITY = { factor: 10, min: 1000, defaultNorm: 100, normDays: 14, perDay: 20 } as const;
/** Draw bursts: at least this many draws by one member in one Shanghai day. */
export const DRAW_BURST = { min: 30, perDay: 20 } as const;
/** How far back the facts are read on a first refresh, and the most days scanned per refresh. */
export const LOOKBACK_DAYS = 7;
/** Risk events read per refresh (pages of 200). */
export const EVENT_PAGE = 200;
export const EVENT_PAGES = 5;
