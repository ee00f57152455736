// The console's item form, checked field by field with the Chinese message the editor shows next to
// the field (wave3 INVALID_FIELD: `字段名：原因`). The actions take the fields loosely (any JSON) and
// check them here, because the handler's own schema failure is a generic English BAD_REQUEST that no
// form can place. Pure: nothing here reads or writes the database.
import { z } from 'zod';
import { charCount, formError, hasChinese, isId, parseForm, placeIn, type Labels } from '../forms';
import { FIRST_YEAR, isInstantInRange, LAST_YEAR } from '../time';
import { ITEM_KINDS, isVirtual } from './model';

/** Field → the label the editor shows (the message's 字段名). */
export const ITEM_LABELS: Labels = {
  id: '商品编号',
  title: '标题',
  images: '图片',
  description: '描述',
  category: '分类',
  kind: '类型',
  points: '积分',
  cashFen: '现金',
  redPacketFen: '红包金额',
  stock: '库存',
  shards: '库存分片',
  perMemberLimit: '每人限兑',
  perOrderMax: '每单上限',
  listAt: '上架时间',
  delistAt: '下架时间',
  flashSale: '秒杀',
  sortWeight: '排序权重',
  visible: '是否展示',
  tiers: '会员专享',
  codes: '卡码',
};

export const MAX_IMAGES = 9;

const int = (min: number, max: number, unit = '') =>
  z
    .number({ error: '必须是数字' })
    .int(unit === '分' ? '必须是整数（单位：分）' : '必须是整数')
    .min(min, min === 0 ? '不能为负数' : `不能小于 ${min}${unit}`)
    .max(max, `不能超过 ${max.toLocaleString('en-US')}${unit}`);
const text = (max: number, required = true) =>
  z
    .string({ error: '必须是文字' })
    .trim()
    .min(required ? 1 : 0, '不能为空')
    .refine((s) => charCount(s) <= max, `不能超过 ${max} 个字`)
    .refine((s) => !/[<>\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(s), '不能包含 < > 或控制字符');
const bool = z.boolean({ error: '必须是 是 或 否' });
const instant = z
  .string({ error: '不是有效的时间' })
  .refine((s) => !Number.isNaN(Date.parse(s)) && /^\d{4}-\d{2}-\d{2}T/.test(s) && isInstantInRange(s), `必须是 ${FIRST_YEAR}–${LAST_YEAR} 年间的时间`)
  .nullable();
/** A stored image: a cloud fileID (what `uploadImage` answers) or an https / site-relative address. */
const image = z.string({ error: '地址无效' }).max(500, '地址过长').regex(/^(cloud:\/\/|https:\/\/|\/)[^\s<>"']+$/, '地址无效，请重新上传');

export const itemShape = {
  title: text(40),
  images: z.array(image, { error: '格式不对' }).max(MAX_IMAGES, `最多 ${MAX_IMAGES} 张`),
  description: text(2000, false),
  category: text(12),
  kind: z.enum(ITEM_KINDS as [string, ...string[]], { error: '请选择 实物、优惠券、卡密 或 红包' }),
  points: int(1, 10_000_000),
  cashFen: int(0, 10_000_000, '分'),
  redPacketFen: int(0, 20_000, '分'),
  perMemberLimit: int(0, 1000),
  perOrderMax: int(1, 99),
  listAt: instant,
  delistAt: instant,
  flashSale: bool,
  sortWeight: int(-1000, 1000),
  visible: bool,
  /** Tier-only (会员专享): the tier levels that may see and redeem it; absent or [] = everyone. */
  tiers: z.array(z.string().refine((s) => isId(s), '等级无效'), { error: '格式不对' }).max(8, '最多 8 个等级').optional(),
};
const itemId = z.string({ error: '必须是文字' }).refine((s) => isId(s), '只能是 1–64 位字母、数字、_ 或 -');

export const createSchema = z
  .object({ ...itemShape, id: itemId.optional(), stock: int(0, 10_000_000), shards: int(1, 64).default(1) })
  .strict();
export const changesSchema = z.object(itemShape).omit({ kind: true }).partial().strict();

/** The first problem of `input` under `schema` as INVALID_FIELD `标签：原因`, or the parsed value. */
export function parseFields<S extends z.ZodType>(schema: S, input: unknown, labels: Labels = ITEM_LABELS): z.infer<S> {
  // Unknown keys and the like carry zod's English: the form never sends them; say which field.
  return parseForm(schema, input, ([key]) => placeIn(labels, String(key ?? '')), (issue) => (hasChinese(issue.message) ? issue.message : '格式不对'));
}

/** INVALID_FIELD `标签：原因` naming the item form's field (the reply's `field`). */
export const invalid = formError(ITEM_LABELS);

const fail = (field: string, reason: string): never => {
  throw invalid(field, reason);
};

/**
 * What holds across fields, on the item as it will be stored (a create, or an update merged onto the
 * stored item). `creating`: a window that has already ended is refused (an update may end it now).
 */
export function checkItemRules(
  i: { kind: string; listAt: string | Date | null; delistAt: string | Date | null; redPacketFen: number; stock?: number },
  opts: { creating: boolean; now: Date },
): void {
  const at = (d: string | Date | null) => (d === null ? null : +new Date(d));
  const list = at(i.listAt);
  const delist = at(i.delistAt);
  if (list !== null && delist !== null && delist <= list) fail('delistAt', '必须晚于上架时间');
  if (opts.creating && delist !== null && delist <= +opts.now) fail('delistAt', '不能早于现在');
  if (i.kind === 'redPacket' && i.redPacketFen <= 0) fail('redPacketFen', '红包商品需要填写金额');
  if (opts.creating && isVirtual(i.kind as never) && (i.stock ?? 0) > 0) fail('stock', '虚拟商品的库存来自上传的卡码，请填 0');
}

/** Card codes pasted or read from a file: one a line (or separated by , ; or blanks); blank lines ignored. */
export function checkCodes(codes: unknown): string[] {
  if (!Array.isArray(codes) || codes.some((c) => typeof c !== 'string')) return fail('codes', '格式不对');
  const list = (codes as string[]).map((c) => c.trim()).filter(Boolean);
  if (!list.length) fail('codes', '不能为空');
  if (list.length > 500) fail('codes', '一次最多 500 个');
  const bad = list.findIndex((c) => !isId(c, 4));
  if (bad >= 0) fail('codes', `第 ${bad + 1} 个（${list[bad].slice(0, 20)}）格式不对：应为 4–64 位字母、数字、_ 或 -`);
  return list;
}
