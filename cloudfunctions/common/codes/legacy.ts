// Scan campaigns before campaigns (docs/campaigns.md#migrating-scan-campaigns). `codeCampaigns`
// documents become campaigns of kind `scan`, version 1, published — one call of the operator action
// `codes.migrateCampaigns`, idempotent (a campaign already migrated is skipped). The same conversion
// serves `codes.upsertCampaign`, kept for existing callers: it saves the fields as the campaign's
// next version and publishes it.
import { getDb } from '../cloud';
import type { Cap } from '../campaigns/counters';
import type { CampaignContent } from '../campaigns/model';
import { COLLECTIONS as CAMPAIGNS } from '../campaigns/model';
import { createDraft, publish, redPacketCounter, updateDraft } from '../campaigns/service';
import { take } from '../counter/capped';
import { COLLECTIONS as C, type LegacyCampaign } from './model';

/** Pure: the campaign content of a legacy scan campaign (its daily cap becomes a per-day points cap). */
export function fromLegacy(l: Omit<LegacyCampaign, '_id' | 'createdAt'>): Omit<CampaignContent, 'kind'> & { kind: 'scan' } {
  const rule: Record<string, unknown> = {};
  for (const k of ['pointsByProduct', 'multipliers', 'creditOutsideRegion', 'counterfeitThreshold', 'redPacket'] as const) {
    if (l[k] !== undefined) rule[k] = l[k];
  }
  const caps: Cap[] = l.dailyCap ? [{ period: 'day', unit: 'points', limit: l.dailyCap }] : [];
  return {
    name: l.name, kind: 'scan', window: { from: null, to: null }, rule, caps,
    ...(l.budget ? { budget: l.budget } : {}), ...(l.expiry ? { expiry: l.expiry } : {}),
  };
}

/** `codes.upsertCampaign`: create or edit the scan campaign and publish the result. */
export async function upsertScanCampaign(l: Omit<LegacyCampaign, 'createdAt'>, operator: string, now = new Date()) {
  const { _id, ...fields } = l;
  const content = fromLegacy(fields);
  const exists = (await getDb().collection(CAMPAIGNS.campaigns).doc(_id).get()).data;
  if (exists) {
    const { kind, ...changes } = content;
    await updateDraft({ id: _id, changes }, operator, now);
  } else {
    await createDraft({ id: _id, ...content }, operator, now);
  }
  return publish(_id, operator, now);
}

/**
 * The documented migration step: every `codeCampaigns` document not yet a campaign becomes one,
 * published; cash already awarded (`redPacketBudgets/<id>.totalFen`) is taken from the new
 * red-packet budget counter. Returns what it did.
 */
export async function migrateLegacyCampaigns(operator: string, now = new Date()): Promise<{ migrated: string[]; skipped: string[] }> {
  const db = getDb();
  const { data } = await db.collection(C.legacyCampaigns).limit(1000).get();
  const out = { migrated: [] as string[], skipped: [] as string[] };
  for (const l of data as LegacyCampaign[]) {
    if ((await db.collection(CAMPAIGNS.campaigns).doc(l._id).get()).data) {
      out.skipped.push(l._id);
      continue;
    }
    const { _id, createdAt, ...fields } = l;
    await createDraft({ id: _id, ...fromLegacy(fields) }, operator, now);
    await publish(_id, operator, now);
    const spent = (await db.collection('redPacketBudgets').doc(_id).get()).data as { totalFen?: number } | null;
    if (l.redPacket && spent?.totalFen) await take(redPacketCounter(_id), Math.min(spent.totalFen, l.redPacket.totalBudgetFen));
    out.migrated.push(_id);
  }
  return out;
}
