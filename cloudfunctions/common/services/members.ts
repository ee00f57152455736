// Members and their profile. A member document's _id is the OPENID, so "create on first login" is an
// insert that the database itself makes unique: concurrent first logins race on one _id and the
// losers re-read the winner's document.
import { createHash } from 'node:crypto';
import { getDb } from '../cloud';
import { missingMember } from '../privacy/closure';
import { decodeCursor, encodeCursor } from '../cursor';
import { AppError, isDuplicateKeyError } from '../errors';
import { setBirthday } from '../earn/birthday';
import { accountJoin, accountTotals, openAccount, type AccountTotals } from '../ledger/access';

export interface MemberDoc {
  _id: string;
  nickname: string;
  avatarUrl: string;
  phone: string;
  /** Optional, set once by the member (`YYYY-MM-DD`), with `birthdayMD` (`MM-DD`) for the daily birthday step. */
  birthday?: string;
  birthdayMD?: string;
  createdAt: Date;
  updatedAt: Date;
}

/** The points account; the ledger (common/ledger) owns every change after creation. */
/** What member reads take of an account (the document also carries the member's lots). */
export type { AccountTotals };

export interface MemberView {
  openid: string;
  nickname: string;
  avatarUrl: string;
  phone: string;
  /** '' when not set. */
  birthday: string;
  createdAt: string;
}

export interface PointsView {
  balance: number;
  held: number;
  debt: number;
}

export const toMemberView = (m: MemberDoc): MemberView => ({
  openid: m._id,
  nickname: m.nickname,
  avatarUrl: m.avatarUrl,
  phone: m.phone,
  birthday: m.birthday ?? '',
  createdAt: new Date(m.createdAt).toISOString(),
});

export const toPointsView = (a: AccountTotals | undefined): PointsView => ({
  balance: a?.balance ?? 0,
  held: a?.held ?? 0,
  debt: a?.debt ?? 0,
});

/** A stable, friendly default nickname: 会员 + 4 characters derived from the openid. */
export function defaultNickname(openid: string): string {
  return `会员${createHash('sha256').update(openid).digest('hex').slice(0, 4).toUpperCase()}`;
}

interface MemberSnapshot {
  member: MemberDoc;
  account?: AccountTotals;
  isOperator: boolean;
}

/** Member, account and operator flag in ONE database request (a $lookup aggregate). */
async function readMember(openid: string): Promise<MemberSnapshot | null> {
  const db = getDb();
  const { list } = await db
    .collection('members')
    .aggregate()
    .match({ _id: openid })
    .lookup(accountJoin(openid, { balance: 1, held: 1, debt: 1 }, 'accounts')) // totals only, never the lots
    .lookup({ from: 'admins', localField: '_id', foreignField: '_id', as: 'admins' })
    .end();
  const row = list[0] as (MemberDoc & { accounts: AccountTotals[]; admins: { disabled?: boolean }[] }) | undefined;
  if (!row) return null;
  const { accounts, admins, ...member } = row;
  return { member, account: accounts[0], isOperator: admins.some((a) => !a.disabled) };
}

async function insertIgnoringDuplicate(collection: string, doc: { _id: string }): Promise<boolean> {
  try {
    await getDb().collection(collection).add({ data: doc });
    return true;
  } catch (e) {
    if (isDuplicateKeyError(e)) return false;
    throw e;
  }
}

export async function login(openid: string, now = new Date()) {
  const existing = await readMember(openid);
  if (existing?.account) return { ...present(existing), created: false };

  // First login (or a retry after a half-finished one): create whatever is missing. Account first,
  // so a member document never exists without its account once login has answered.
  await openAccount(openid, now);
  let created = false;
  if (!existing) {
    const member: MemberDoc = {
      _id: openid,
      nickname: defaultNickname(openid),
      avatarUrl: '',
      phone: '',
      createdAt: now,
      updatedAt: now,
    };
    created = await insertIgnoringDuplicate('members', member);
  }
  const snapshot = await readMember(openid);
  if (!snapshot) throw new AppError('INTERNAL', 'member missing after creation');
  return { ...present(snapshot), created };
}

function present(s: MemberSnapshot) {
  return { member: toMemberView(s.member), points: toPointsView(s.account), isOperator: s.isOperator };
}

export async function getProfile(openid: string) {
  const snapshot = await readMember(openid);
  // A closed account's OPENID answers only that it is closed.
  if (!snapshot) return missingMember(openid);
  return present(snapshot);
}

export async function updateProfile(openid: string, patch: { nickname?: string; phone?: string; birthday?: string }, now = new Date()) {
  // The birthday first: set once (BIRTHDAY_LOCKED), and a refused one writes nothing else.
  if (patch.birthday !== undefined) await setBirthday(openid, patch.birthday, now);
  const data: Record<string, unknown> = { updatedAt: now };
  if (patch.nickname !== undefined) data.nickname = patch.nickname;
  if (patch.phone !== undefined) data.phone = patch.phone;
  const members = getDb().collection('members');
  // A missing member updates nothing; the re-read tells the caller to log in first.
  await members.doc(openid).update({ data });
  const { data: doc } = await members.doc(openid).get();
  if (!doc) throw new AppError('NOT_FOUND', 'member not found; call login first');
  return { member: toMemberView(doc as MemberDoc) };
}

/** Operators: members newest first, cursor = the last item's `createdAt|_id`. */
export async function listMembers(cursor: string | undefined, limit: number) {
  const db = getDb();
  const _ = db.command;
  let query: Record<string, unknown> = {};
  if (cursor) {
    const { at, id } = decodeCursor(cursor);
    query = _.or([{ createdAt: _.lt(at) }, { createdAt: at, _id: _.gt(id) }]) as unknown as Record<string, unknown>;
  }
  const members = db.collection('members');
  const [{ data }, { total }] = await Promise.all([
    members.where(query).orderBy('createdAt', 'desc').orderBy('_id', 'asc').limit(limit + 1).get(),
    members.count(),
  ]);
  const page = (data as MemberDoc[]).slice(0, limit);
  const ids = page.map((m) => m._id);
  const totals = await accountTotals(ids);
  const balances = new Map([...totals].map(([id, a]) => [id, a.balance]));
  const last = page[page.length - 1];
  return {
    items: page.map((m) => ({ ...toMemberView(m), balance: balances.get(m._id) ?? 0 })),
    nextCursor: data.length > limit && last ? encodeCursor({ at: new Date(last.createdAt), id: last._id }) : null,
    total,
  };
}
