// Console form fields checked on the server with the message the page shows next to the field
// (`INVALID_FIELD`, `字段名：原因`, wave 3). The schemas take these fields loosely (z.unknown) so a
// bad value reaches these checks instead of zod's English BAD_REQUEST; nothing is written on error.
import { charCount, fieldError } from '../forms';
import { MAX_POINTS } from '../ledger/sources';

/** A required reason or note: 1–200 characters (an emoji is one) after trimming. */
export function reasonField(v: unknown, field = 'reason', label = '原因'): string {
  if (typeof v !== 'string' || !v.trim()) throw fieldError(field, label, '必填');
  const s = v.trim();
  if (charCount(s) > 200) throw fieldError(field, label, '最多 200 个字');
  return s;
}

/** A whole number of points within 1..max (or, signed, within ±max and not 0). */
export function pointsField(v: unknown, field: string, label: string, max: number, signed = false): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw fieldError(field, label, '请输入数字');
  if (!Number.isInteger(v)) throw fieldError(field, label, '须为整数');
  if (v === 0) throw fieldError(field, label, '不能为 0');
  if (!signed && v < 0) throw fieldError(field, label, '须大于 0');
  if (Math.abs(v) > max) throw fieldError(field, label, `不能超过 ${max.toLocaleString('en-US')}`);
  return v;
}

export const adjustDelta = (v: unknown) => pointsField(v, 'delta', '调整积分', MAX_POINTS.adjust, true);
export const penaltyAmount = (v: unknown) => pointsField(v, 'amount', '扣罚积分', MAX_POINTS.penalty);
