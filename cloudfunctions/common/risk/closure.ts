// A closed account in risk review (docs/privacy.md#closing-an-account, step 4): every case naming the
// member names the pseudonym instead — in its members, evidence, subject and actions, and in its key
// when the key embeds the member (`bruteforce|velocity|draws:<member>:<day>`: the case moves to its
// new key in one transaction). Safe to repeat: a case already rewritten no longer matches.
import { getDb } from '../cloud';
import { inTransaction, txGet } from '../tx';
import { COLLECTIONS as C, type RiskCase } from './model';

/** Replaces the OPENID wherever it is a whole string value, and as a `:`-delimited part of a key. */
function swap(value: unknown, openid: string, pseudonym: string): unknown {
  if (typeof value === 'string') return value === openid ? pseudonym : value.split(':').map((p) => (p === openid ? pseudonym : p)).join(':');
  if (Array.isArray(value)) return value.map((v) => swap(v, openid, pseudonym));
  if (value && typeof value === 'object' && !(value instanceof Date)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, swap(v, openid, pseudonym)]));
  return value;
}

export async function forgetInRisk(openid: string, pseudonym: string): Promise<number> {
  const col = getDb().collection(C.cases);
  let moved = 0;
  for (;;) {
    // Index `members`; a case names its subject member among its members.
    const { data } = await col.where({ members: openid }).limit(100).get();
    if (!data.length) return moved;
    for (const c of data as RiskCase[]) {
      const next = swap(c, openid, pseudonym) as RiskCase;
      await inTransaction(async (tx) => {
        const now = await txGet<RiskCase>(tx, C.cases, c._id);
        if (!now) return;
        const { _id, ...fields } = swap(now, openid, pseudonym) as RiskCase;
        if (next._id !== c._id) {
          await tx.collection(C.cases).doc(_id).set({ data: fields });
          await tx.collection(C.cases).doc(c._id).remove();
        } else {
          await tx.collection(C.cases).doc(_id).set({ data: fields });
        }
      });
      moved++;
    }
  }
}
