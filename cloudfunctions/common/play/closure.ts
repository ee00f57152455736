// A closed account's games (docs/privacy.md step 3, docs/play.md#closed-accounts): draws and grants
// stay as records under the pseudonym (their ids embed the member, so they move), gifts name it,
// and the cards the member held (memberItems) are deleted with the account. A moved draw keeps its
// roll and hash: they were computed with the OPENID, which is gone — that record's roll and chain
// link can no longer be recomputed by anyone (the other records of its shard still verify up to it).
import { getDb } from '../cloud';
import { rewriteMemberDocs } from '../ledger/pseudonymise';
import { GIFTS } from './cards';
import { PLAY } from './model';

export async function forgetPlayer(openid: string, pseudonym: string): Promise<void> {
  const db = getDb();
  // A physical prize's address (given, not yet shipped) is personal data: erased before the move.
  await db.collection(PLAY.draws).where({ member: openid, address: db.command.exists(true) }).update({ data: { address: db.command.remove() } });
  await rewriteMemberDocs(PLAY.draws, openid, pseudonym);
  await rewriteMemberDocs(PLAY.grants, openid, pseudonym);
  await Promise.all([
    db.collection(GIFTS).where({ from: openid }).update({ data: { from: pseudonym } }),
    db.collection(GIFTS).where({ to: openid }).update({ data: { to: pseudonym } }),
    db.collection(PLAY.items).doc(openid).remove().catch(() => undefined),
  ]);
}
