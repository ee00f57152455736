// Campaigns (docs/campaigns.md): every way of earning is a campaign — data with a kind-specific
// rule, per-member caps, a budget and an expiry policy — published in immutable versions.
import type { ExpiryPolicy } from '../ledger/policy';
import type { Cap } from './counters';

export const COLLECTIONS = {
  /** The head of each campaign: the live (latest published) version's content, its status, the pending draft. */
  campaigns: 'campaigns',
  /** Every version, `<id>@<version>`: a draft until published, then immutable. */
  versions: 'campaignVersions',
  /** Every change: operator, time, before / after. */
  audit: 'campaignAudit',
} as const;

export const KINDS = ['scan', 'signin', 'task', 'order', 'game', 'manual'] as const;
export type Kind = (typeof KINDS)[number];
export type Status = 'draft' | 'published' | 'ended';

/** The ledger's policies, plus "the campaign's end + N months" (resolved against window.to). */
export type CampaignExpiry = ExpiryPolicy | { kind: 'afterEnd'; months: number };

export interface Window {
  /** ISO instants; null = open. */
  from: string | null;
  to: string | null;
}

/** What an operator writes: the content of a version. */
export interface CampaignContent {
  name: string;
  kind: Kind;
  window: Window;
  /** Kind-specific, validated by the kind's rule module (rules/). */
  rule: Record<string, unknown>;
  caps: Cap[];
  /** Points budget (A): a ledger budget id the credits count against. */
  budget?: string;
  expiry?: CampaignExpiry;
  /** Who may earn (tiers come with the tiers feature; empty = everyone). */
  audience?: { tiers?: string[] };
}

export interface Version extends CampaignContent {
  _id: string; // `<id>@<version>`
  campaign: string;
  version: number;
  status: 'draft' | 'published';
  createdAt: Date;
  createdBy: string;
  publishedAt?: Date;
  publishedBy?: string;
}

/** `campaigns/<id>`: what earn paths read (one cached document). */
export interface Campaign extends CampaignContent {
  _id: string;
  status: Status;
  /** The live version (the draft's number while never published). */
  version: number;
  /** The pending draft's version number, or null. */
  draft: number | null;
  createdAt: Date;
  updatedAt: Date;
  publishedAt?: Date;
  endedAt?: Date;
}

export interface AuditRecord {
  campaign: string;
  version: number;
  action: 'create' | 'update' | 'publish' | 'end' | 'migrate';
  operator: string;
  at: Date;
  before: unknown;
  after: unknown;
}

export const versionId = (id: string, version: number) => `${id}@${version}`;
