// The metrics documents (docs/metrics.md). Written only by the roll-up job; read by points.metrics,
// points.dailyMetrics and the operator console.
import type { Figures, KindFigures, RatePoints } from './figures';
import type { BatchScans, DayScans, ProvinceScans } from './scans';

export const METRICS = {
  /** Per Shanghai day and scope: `ledger:<day>:<scope>` (shared with the members roll-up). */
  days: 'metricsDaily',
  /** Per scope, everything through the day named in `through`: `<scope>`. */
  totals: 'metricsTotals',
  /** Per scope and member, for distinct counts: `<scope>|<member>`. */
  members: 'metricsMembers',
  /** The roll-up's checkpoint, in jobRuns. */
  stateId: 'ledgerRollup',
  /** Today so far (the live roll-up's partial figures and checkpoint), in jobRuns. */
  todayId: 'ledgerToday',
  /** Per Shanghai day and member active that day, written by the live roll-up: `<day>|<member>`. */
  active: 'metricsActive',
} as const;

export interface DayCounts {
  /** Distinct members who earned (credits) in the scope that day. */
  earners: number;
  /** Distinct members who spent the scope's points that day. */
  spenders: number;
  /** Of those, members earning / spending in the scope for the first time ever. */
  newReceivers: number;
  newSpenders: number;
}

export interface DayDoc extends Figures, DayCounts {
  _id: string;
  metric: 'ledger';
  scope: string;
  /** null for all campaigns. */
  campaign: string | null;
  day: string;
  kinds: KindFigures[];
  /** The day's change of the points in lots, per rate. */
  rates: RatePoints[];
  /** Points in lots and their liability at the end of the day (all days up to it). */
  outstanding: number;
  liabilityFen: number;
  /** All campaigns only (the dashboard): the day's scans, and distinct members active that day and in the 7 / 30 days ending with it. */
  scans?: DayScans;
  active?: number;
  active7?: number;
  active30?: number;
  computedAt: Date;
}

export interface TotalsDoc extends Figures {
  _id: string;
  scope: string;
  campaign: string | null;
  /** The last day included. */
  through: string;
  /** Distinct members who ever received / spent the scope's points. */
  receivers: number;
  spenders: number;
  /** Points still in lots per rate, as of the end of `through`. */
  rates: RatePoints[];
  updatedAt: Date;
}

/** A scope's day in progress, as checkpointed. */
export interface AccScope extends Figures, DayCounts {
  scope: string;
  kinds: KindFigures[];
  rates: RatePoints[];
  /** All campaigns only: the day's claims so far. */
  scans?: { batches: BatchScans[]; provinces: ProvinceScans[] };
}

export interface RollupState {
  _id: string;
  job: 'ledgerRollup';
  /** The last Shanghai day rolled up completely, or null before the first. */
  through: string | null;
  /** The day in progress. */
  day: string | null;
  /** Last entry counted in `day`, by (createdAt, _id). */
  cursor: { at: Date; id: string } | null;
  /** Pages of `day` counted so far (names the page in member markers). */
  page: number;
  acc: AccScope[];
  updatedAt: Date;
}

export const dayDocId = (day: string, scope: string) => `ledger:${day}:${scope}`;
export const memberMarkerId = (scope: string, member: string) => `${scope}|${member}`;

/** A scope's figures of today so far (a live window's tally, as stored). */
export interface TodayScope extends Figures {
  scope: string;
  kinds: KindFigures[];
  rates: RatePoints[];
}

/**
 * `jobRuns/ledgerToday`: today's entries before `through`, counted by the live roll-up (jobs tick)
 * with the dashboard's own live aggregates; the dashboard adds the entries from `through` on.
 */
export interface TodayState {
  _id: string;
  job: 'ledgerToday';
  /** The Shanghai day counted. */
  day: string;
  /** Entries with createdAt in [the day's start, through) are counted. */
  through: Date;
  /** Pages counted (names the page on the active-member markers it made). */
  page: number;
  /** Every scope the day's entries so far touched (all-zero ones too: presence shows a row). */
  acc: TodayScope[];
  /** Claims so far (scan credits by their code's batch and claiming province). */
  claims: { batches: BatchScans[]; provinces: ProvinceScans[] };
  /** Distinct members with an earn, spend or adjust entry so far (= markers of the day with p ≤ page). */
  active: number;
  updatedAt: Date;
}

/** `metricsActive/<day>|<member>`: the member was active on `day`, first in live roll-up page `p`. */
export interface ActiveMarker {
  _id: string;
  day: string;
  member: string;
  p: number;
}

export const activeMarkerId = (day: string, member: string) => `${day}|${member}`;
