// Operators' member search (docs/api.md#searchmembers): by OPENID (the document's _id), by phone
// (exact, index `phone`) or by nickname prefix (a range on index `nickname, _id`), every query
// bounded by `limit`; one page of account totals by _id. Never a scan of the members.
import { getDb } from '../cloud';
import { decodeCursor, encodeCursor } from '../cursor';
import { AppError } from '../errors';
import { fieldError } from '../forms';
import { accountTotals } from '../ledger/access';
import { toMemberView, type MemberDoc } from '../services/members';

export type SearchBy = 'nickname' | 'phone' | 'openid';

const PHONE = /^1\d{10}$/;
/** OPENIDs (28 characters in WeChat) and the local personas' ids: letters, digits, _ and -. */
const OPENID = /^[\w-]{1,64}$/;

/** How a query is read when the operator does not say: 11 digits starting with 1 is a phone, else a nickname (and an OPENID when it could be one). */
export function searchPlan(q: string, by?: SearchBy): SearchBy[] {
  if (by) return [by];
  if (PHONE.test(q)) return ['phone'];
  return OPENID.test(q) ? ['openid', 'nickname'] : ['nickname'];
}

const encode = (nickname: string, id: string) => Buffer.from(JSON.stringify([nickname, id])).toString('base64url');
function decode(cursor: string): [string, string] {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'string')) return v as [string, string];
  } catch {
    /* fall through */
  }
  throw new AppError('BAD_REQUEST', 'cursor: malformed');
}

/** No query: the newest members (index `createdAt`), paged by (createdAt, _id). */
async function newest(cursor: string | undefined, limit: number): Promise<{ found: MemberDoc[]; nextCursor: string | null }> {
  const db = getDb();
  const _ = db.command;
  let where: unknown = {};
  if (cursor) {
    const { at, id } = decodeCursor(cursor);
    where = _.or([{ createdAt: _.lt(at) }, { createdAt: at, _id: _.gt(id) }]);
  }
  const { data } = await db.collection('members').where(where as Record<string, unknown>).orderBy('createdAt', 'desc').orderBy('_id', 'asc').limit(limit + 1).get();
  const found = (data as MemberDoc[]).slice(0, limit);
  const last = found[found.length - 1];
  return { found, nextCursor: data.length > limit && last ? encodeCursor({ at: new Date(last.createdAt), id: last._id }) : null };
}

async function withTotals(found: MemberDoc[]) {
  const totals = await accountTotals(found.map((m) => m._id));
  return found.map((m) => {
    const t = totals.get(m._id);
    return { ...toMemberView(m), balance: t?.balance ?? 0, held: t?.held ?? 0, debt: t?.debt ?? 0 };
  });
}

export async function searchMembers(input: { q: string; by?: SearchBy; cursor?: string; limit: number }) {
  const db = getDb();
  const _ = db.command;
  const members = db.collection('members');
  const q = input.q.trim();
  if (!q) {
    const page = await newest(input.cursor, input.limit);
    return { by: [] as SearchBy[], items: await withTotals(page.found), nextCursor: page.nextCursor };
  }
  const plan = searchPlan(q, input.by);
  const found: MemberDoc[] = [];
  let nextCursor: string | null = null;
  if (plan.includes('openid') && !input.cursor) {
    const { data } = await members.doc(q).get().catch(() => ({ data: null }));
    if (data) found.push(data as MemberDoc);
  }
  if (plan.includes('phone') && !input.cursor) {
    if (!PHONE.test(q)) throw fieldError('q', '手机号', '请输入 11 位手机号');
    const { data } = await members.where({ phone: q }).limit(input.limit).get();
    found.push(...(data as MemberDoc[]));
  }
  if (plan.includes('nickname')) {
    // Prefix: every nickname ≥ q and below q followed by the highest BMP character.
    const range = { nickname: _.gte(q).and(_.lt(`${q}\uffff`)) };
    let where: unknown = range;
    if (input.cursor) {
      const [nick, id] = decode(input.cursor);
      where = _.and([range, _.or([{ nickname: _.gt(nick) }, { nickname: nick, _id: _.gt(id) }])]);
    }
    const { data } = await members.where(where as Record<string, unknown>).orderBy('nickname', 'asc').orderBy('_id', 'asc').limit(input.limit + 1).get();
    const page = (data as MemberDoc[]).slice(0, input.limit);
    for (const m of page) if (!found.some((f) => f._id === m._id)) found.push(m);
    const last = page[page.length - 1];
    if (data.length > input.limit && last) nextCursor = encode(last.nickname, last._id);
  }
  return { by: plan, items: await withTotals(found), nextCursor };
}
