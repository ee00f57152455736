// An operator's code lookup (码查询): what one printed code has been through — its batch and product,
// its sales region, who claimed it (nickname masked), its latest scans with time, place and region
// verdict (kept on the code, history.ts), and the risk events recorded on it. Bounded reads only:
// the code and its batch by _id, the product by _id, risk events by the `code` index (≤ 20), the
// members named there by _id (≤ 41).
import { getDb } from '../cloud';
import { AppError } from '../errors';
import { codeFromText, envKeys, pretty, verify } from './format';
import { COLLECTIONS as C, type Batch, type Code, type Product, type RiskEvent, type RiskKind } from './model';
import { provinceName } from './regions';
import { provincesFor } from './rules';

const RISK_LIMIT = 20;

/** A nickname as an operator sees it in a lookup: first and last character, the rest starred. */
export function maskNickname(name: string): string {
  const chars = [...String(name ?? '')];
  if (!chars.length) return '';
  if (chars.length === 1) return `${chars[0]}*`;
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(Math.min(chars.length - 2, 4))}${chars[chars.length - 1]}`;
}

/** Region verdict of one scan: no location, inside the code's region (or none set), outside it. */
export type Verdict = 'unlocated' | 'inside' | 'outside';
export const verdictOf = (s: { province: string; diverted: boolean }): Verdict => (!s.province ? 'unlocated' : s.diverted ? 'outside' : 'inside');

/** Why a code was not found: its check characters do not match (not ours) or it was never issued. */
export type NotFound = { found: false; reason: 'forged' | 'unknown'; code: string };

export interface LookupAnswer {
  found: true;
  /** Grouped for display. */
  code: string;
  seq: number;
  batch: { id: string; batchNo: string; status: Batch['status']; productionDate: string; product: { id: string; name: string } };
  /** The provinces this code is sold in ([] = anywhere). */
  region: { code: string; name: string }[];
  claim: { member: string; nickname: string; at: string; points: number } | null;
  scans: { count: number; distinct: number; first: string; last: string };
  /** Newest first. */
  recent: { at: string; member: string; nickname: string; province: string; provinceName: string; verdict: Verdict; claim: boolean }[];
  risk: { kind: RiskKind; at: string; member: string; nickname: string; province: string; provinceName: string }[];
}

const iso = (d: Date | string | undefined) => (d ? new Date(d).toISOString() : '');

/**
 * `text` as typed, scanned or pasted (a link works too). Empty or malformed input is the caller's
 * form problem (`fieldProblem`); a code whose check fails or that was never issued is `found: false`.
 */
export async function lookupCode(code: string): Promise<LookupAnswer | NotFound> {
  const v = verify(codeFromText(code), envKeys());
  if (!v.ok) {
    if (v.problem === 'CODE_FORGED' || v.problem === 'CODE_UNKNOWN_KEY') return { found: false, reason: 'forged', code: pretty(v.code) };
    throw new AppError('BAD_REQUEST', `code: ${v.problem}`); // the action checked the format first
  }
  const db = getDb();
  const _ = db.command;
  const { data: doc } = await db.collection(C.codes).doc(v.code).get().catch(() => ({ data: null }));
  if (!doc) return { found: false, reason: 'unknown', code: pretty(v.code) };
  const c = doc as Code;
  const [{ data: batchDoc }, { data: events }] = await Promise.all([
    db.collection(C.batches).doc(c.batch).get().catch(() => ({ data: null })),
    db.collection(C.riskEvents).where({ code: v.code }).orderBy('createdAt', 'desc').limit(RISK_LIMIT).get(),
  ]);
  const batch = batchDoc as Batch | null;
  const risks = events as RiskEvent[];
  const recent = [...(c.recent ?? [])].reverse();
  const people = [...new Set([c.claimedBy, ...recent.map((r) => r.member), ...risks.map((r) => r.member)].filter(Boolean))];
  const [{ data: productDoc }, { data: members }] = await Promise.all([
    batch ? db.collection(C.products).doc(batch.product).get().catch(() => ({ data: null })) : Promise.resolve({ data: null }),
    people.length ? db.collection('members').where({ _id: _.in(people) }).field({ nickname: true }).limit(people.length).get() : Promise.resolve({ data: [] }),
  ]);
  const product = productDoc as Product | null;
  const names = new Map((members as { _id: string; nickname?: string }[]).map((m) => [m._id, maskNickname(m.nickname ?? '')]));
  // A member with no document (closed, or never logged in): '' (the page says 未知会员).
  const who = (member: string) => ({ member, nickname: names.get(member) ?? '' });
  const place = (province: string) => ({ province, provinceName: provinceName(province) });
  return {
    found: true,
    code: pretty(c._id),
    seq: c.seq,
    batch: {
      id: c.batch, batchNo: batch?.batchNo ?? '', status: batch?.status ?? 'void', productionDate: batch?.productionDate ?? '',
      product: { id: batch?.product ?? '', name: product?.name ?? '' },
    },
    region: provincesFor(batch?.regions ?? [], c.seq).map((p) => ({ code: p, name: provinceName(p) })),
    claim: c.claimedBy ? { ...who(c.claimedBy), at: iso(c.claimedAt), points: c.points ?? 0 } : null,
    scans: { count: c.scans ?? 0, distinct: c.scanners?.length ?? 0, first: iso(c.firstScanAt), last: iso(c.lastScanAt) },
    recent: recent.map((r) => ({ at: iso(r.at), ...who(r.member), ...place(r.province), verdict: verdictOf(r), claim: !!r.claim })),
    risk: risks.map((r) => ({ kind: r.kind, at: iso(r.createdAt), ...who(r.member), ...place(r.province) })),
  };
}
