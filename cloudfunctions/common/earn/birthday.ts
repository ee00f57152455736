// Birthday points (生日礼遇, docs/tiers.md#birthday): the member's tier benefit `birthdayPoints`,
// credited by the jobs' daily work on their birthday, once per year whatever the runs: the year is in
// the ledger key (`birthday:<member>:<year>`). The birthday is the member's own optional profile
// field, set once (a changeable birthday could be moved to collect a second year's points early).
import { z } from 'zod';
import { getDb } from '../cloud';
import { AppError } from '../errors';
import { credit } from '../ledger/service';
import { shanghaiDay } from '../time';
import { inTransaction, txGet } from '../tx';
import { benefitsOf, loadScheme, COLLECTIONS as TIERS } from '../tiers/service';

export const birthdayKey = (member: string, year: string) => `birthday:${member}:${year}`;

const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/** `YYYY-MM-DD`, a real day from 1900 to today (Shanghai). Its own check: birthdays are before 2000 too. */
export const birthdayInput = () =>
  z
    .string()
    .refine((s) => {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
      const [y, m, d] = s.split('-').map(Number);
      const t = new Date(Date.UTC(y, m - 1, d));
      return y >= 1900 && t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d && s <= shanghaiDay();
    }, 'birthday must be a real day YYYY-MM-DD from 1900 to today (Asia/Shanghai)');
// Not `shanghaiDayInput()` nor its `format: 'date'` mark: those mean a date of the system (2000..2099),
// and a birthday in 1990 is a good one. The fuzz test sends it its generic bad strings instead.

/** The `MM-DD`s whose birthdays fall on `day`: a 29 February birthday is kept on 28 February in other years. */
export function birthdaysOn(day: string): string[] {
  const md = day.slice(5);
  return md === '02-28' && !isLeap(Number(day.slice(0, 4))) ? ['02-28', '02-29'] : [md];
}

/** Sets the member's birthday once; the same day again is fine, another is BIRTHDAY_LOCKED. */
export async function setBirthday(member: string, birthday: string, now = new Date()): Promise<void> {
  await inTransaction(async (tx) => {
    const m = await txGet<{ birthday?: string }>(tx, 'members', member);
    if (!m) throw new AppError('NOT_FOUND', 'member not found; call login first');
    if (m.birthday === birthday) return;
    if (m.birthday) throw new AppError('BIRTHDAY_LOCKED', '生日设置后不能修改');
    await tx.collection('members').doc(member).update({ data: { birthday, birthdayMD: birthday.slice(5), updatedAt: now } });
  });
}

/**
 * The daily step: every member whose birthday is `day` gets their tier's birthday points (0 = none),
 * one credit keyed by the year — a rerun of the day, or a second birthday set the same year, pays
 * nothing more. Page by page within `budgetMs`; the key makes a rerun safe.
 */
export async function creditBirthdays(day: string, now = new Date(), budgetMs = 2_000, limit = 100): Promise<{ credited: number; points: number }> {
  const db = getDb();
  const _ = db.command;
  const started = Date.now();
  const scheme = await loadScheme();
  if (!scheme.tiers.some((t) => t.benefits.birthdayPoints > 0)) return { credited: 0, points: 0 };
  const year = day.slice(0, 4);
  let credited = 0;
  let points = 0;
  let after = '';
  for (;;) {
    const { data } = await db
      .collection('members')
      .where({ birthdayMD: _.in(birthdaysOn(day)), _id: _.gt(after), closing: _.exists(false) })
      .orderBy('_id', 'asc')
      .limit(limit)
      .field({ _id: true })
      .get();
    const ids = (data as { _id: string }[]).map((m) => m._id);
    const { data: states } = ids.length ? await db.collection(TIERS.members).where({ _id: _.in(ids) }).field({ level: true }).limit(ids.length).get() : { data: [] };
    const level = new Map((states as { _id: string; level: string }[]).map((s) => [s._id, s.level]));
    for (const id of ids) {
      const t = benefitsOf(scheme, level.get(id) ?? scheme.tiers[0].level);
      if (t.birthdayPoints <= 0) continue;
      const { replayed } = await credit({
        member: id,
        amount: t.birthdayPoints,
        key: birthdayKey(id, year),
        source: { kind: 'birthday', ref: year, tier: t.tier } as never,
        reason: `生日礼遇 · ${t.name} ${t.birthdayPoints} 积分`,
        now,
      }).catch((e) => {
        // A member without a points account (closed meanwhile) is skipped; the others still get theirs.
        // A key already paid this year under another tier's amount is paid too (IDEMPOTENCY_MISMATCH).
        if (e instanceof AppError && ['NOT_FOUND', 'ACCOUNT_CLOSED', 'IDEMPOTENCY_MISMATCH'].includes(e.code)) return { replayed: true };
        throw e;
      });
      if (!replayed) {
        credited++;
        points += t.birthdayPoints;
      }
    }
    if (ids.length < limit || Date.now() - started > budgetMs) return { credited, points };
    after = ids[ids.length - 1];
  }
}
