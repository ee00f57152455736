// The retention step of the daily jobs (docs/privacy.md#how-long-data-is-kept): removes, or masks on
// the record that must stay, what is past its time (rules.ts RETENTION). Bulk where-updates and
// removes, each bounded by the index it runs on; running it again finds nothing more to do.
import { getDb } from '../cloud';
import { removeRemindersBefore } from '../ledger/pseudonymise';
import { MALL } from '../mall/model';
import { shanghaiDay } from '../time';
import { PRIVACY } from './closure';
import { maskAddress, retentionCutoff } from './rules';

export interface RetentionResult {
  riskEvents: number;
  rateLimits: number;
  reminders: number;
  orderAddresses: number;
  privacyAudit: number;
  /** Closed risk cases past their time (an open case is kept however old: it awaits review). */
  riskCases: number;
}

const PAGE = 100;

export async function runRetention(now = new Date()): Promise<RetentionResult> {
  const db = getDb();
  const _ = db.command;
  const removed = async (collection: string, where: Record<string, unknown>) => (await db.collection(collection).where(where).remove()).stats.removed;
  const [riskEvents, rateLimits, reminders, privacyAudit, dismissedCases, actionedCases] = await Promise.all([
    removed('riskEvents', { createdAt: _.lt(retentionCutoff('riskEvents', now)) }),
    removed('rateLimits', { expiresAt: _.lt(retentionCutoff('rateLimits', now)) }),
    removeRemindersBefore(shanghaiDay(retentionCutoff('reminders', now))),
    removed(PRIVACY.audit, { createdAt: _.lt(retentionCutoff('privacyAudit', now)) }),
    removed('riskCases', { status: 'dismissed', updatedAt: _.lt(retentionCutoff('riskCasesDismissed', now)) }),
    removed('riskCases', { status: 'actioned', updatedAt: _.lt(retentionCutoff('riskCasesActioned', now)) }),
  ]);
  // A finished order keeps its record; its address is masked once the after-sales window is over.
  let orderAddresses = 0;
  for (const status of ['completed', 'cancelled', 'failed']) {
    for (;;) {
      const { data } = await db
        .collection(MALL.orders)
        .where({ status, updatedAt: _.lt(retentionCutoff('orderAddresses', now)), addressMasked: _.neq(true), address: _.neq(null) })
        .field({ address: true })
        .limit(PAGE)
        .get();
      for (const o of data as { _id: string; address: any }[]) {
        await db.collection(MALL.orders).doc(o._id).update({ data: { address: _.set(maskAddress(o.address)), addressMasked: true } });
      }
      orderAddresses += data.length;
      if (data.length < PAGE) break;
    }
  }
  return { riskEvents, rateLimits, reminders, orderAddresses, privacyAudit, riskCases: dismissedCases + actionedCases };
}
