// The console's codes forms, checked field by field with the reason in Chinese (pure, no database):
// a product, a batch, a sales region, an export range, a code to look up. The client checks the
// same rules with the same words (src/packages/ops/codes/forms.ts; test/client/ops-codes-forms
// compares them), and the server answers the first problem as INVALID_FIELD `标签：原因` naming the field.
import { charCount, formError, isId, isIntIn, type Labels } from '../forms';
import { isCalendarDay, shanghaiDay } from '../time';
import { codeFromText, normalise } from './format';
import { MAX_BATCH_SIZE } from './model';
import { isProvinceCode } from './regions';

/** field → reason (Chinese), for the fields that have a problem. */
export type Problems = Record<string, string>;

export const LABELS: Labels = {
  id: '编号', name: '名称', image: '图片地址', spec: '规格', origin: '产地', basePoints: '扫码积分',
  product: '产品', campaign: '活动', batchNo: '批号', productionDate: '生产日期', size: '数量',
  provinces: '销售区域', from: '起始序号', to: '结束序号', format: '格式', code: '码',
};

const str = (v: unknown) => (typeof v === 'string' ? v.trim() : v === undefined || v === null ? '' : null);

function id(v: unknown): string | undefined {
  const s = str(v);
  if (s === null) return '须为文字';
  if (!s) return '不能为空';
  if (s.length > 64) return '最多 64 个字符';
  if (!isId(s)) return '只能包含英文字母、数字、_ 和 -';
}

function text(v: unknown, max: number, required: boolean): string | undefined {
  const s = str(v);
  if (s === null) return '须为文字';
  if (required && !s) return '不能为空';
  if (charCount(s) > max) return `最多 ${max} 个字`;
}

function intIn(v: unknown, min: number, max: number): string | undefined {
  if (!isIntIn(v, min, max)) return `须为 ${min} 到 ${max} 的整数`;
}

const only = (p: Record<string, string | undefined>): Problems =>
  Object.fromEntries(Object.entries(p).filter((e): e is [string, string] => !!e[1]));

export function productProblems(i: Record<string, unknown>): Problems {
  const image = str(i.image);
  return only({
    id: id(i.id),
    name: text(i.name, 40, true),
    image: text(i.image, 500, false) ?? (image && !/^(https:\/\/|cloud:\/\/|\/)\S+$/.test(image) ? '须以 https://、cloud:// 或 / 开头' : undefined),
    spec: text(i.spec, 60, false),
    origin: text(i.origin, 60, false),
    basePoints: intIn(i.basePoints, 0, 100_000),
  });
}

/** The day `n` days after `day` (YYYY-MM-DD, calendar arithmetic). */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

/**
 * `today`: the Shanghai day. Codes are often printed before the goods are made, so a production
 * date may lie up to a year ahead; later than that is a typo.
 */
export function batchProblems(i: Record<string, unknown>, today = shanghaiDay()): Problems {
  const day = str(i.productionDate);
  return only({
    id: id(i.id),
    product: str(i.product) ? id(i.product) : '请选择产品',
    campaign: str(i.campaign) ? id(i.campaign) : undefined,
    batchNo: text(i.batchNo, 40, true),
    productionDate: !day ? '不能为空' : !isCalendarDay(day) ? '须为有效日期（年-月-日）' : day > addDays(today, 365) ? '不能晚于一年之后' : undefined,
    size: intIn(i.size, 1, MAX_BATCH_SIZE),
  });
}

/** A `from..to` range of seq within a batch of `size` (both or neither; `max` codes at most). */
export function rangeProblems(i: { from?: unknown; to?: unknown }, size: number, max = Infinity): Problems {
  if (i.from === undefined && i.to === undefined) return size > max ? { to: `每次最多 ${max} 个码，请填写起止序号` } : {};
  const last = Math.max(size - 1, 0);
  const from = i.from === undefined ? '请同时填写起始和结束序号' : intIn(i.from, 0, last);
  const to = i.to === undefined ? '请同时填写起始和结束序号' : intIn(i.to, 0, last);
  if (from || to) return only({ from, to });
  const [a, b] = [i.from as number, i.to as number];
  if (a > b) return { to: '不能小于起始序号' };
  if (b - a + 1 > max) return { to: `每次最多 ${max} 个码` };
  return {};
}

export function regionProblems(i: { provinces?: unknown; from?: unknown; to?: unknown }, size: number): Problems {
  const list = Array.isArray(i.provinces) ? i.provinces : null;
  const provinces = !list || !list.length
    ? '请至少选择一个省份'
    : list.some((p) => typeof p !== 'string' || !isProvinceCode(p)) ? '含有未知的省份'
    : new Set(list).size !== list.length ? '省份重复' : undefined;
  return { ...only({ provinces }), ...rangeProblems(i, size) };
}

/** A code as typed or pasted (a brand link works too): 20 characters once spaces and - are dropped. */
export function codeProblems(code: unknown): Problems {
  const s = str(code);
  if (s === null || !s) return { code: '请输入码' };
  const n = normalise(codeFromText(s));
  if ('problem' in n) return { code: n.problem === 'CODE_EMPTY' ? '请输入码' : '须为 20 位码：数字和英文字母（不含 U）' };
  return {};
}


/** Refuses the request with its first problem as INVALID_FIELD (nothing has been written yet). */
export function assertValid(p: Problems): void {
  const [field] = Object.keys(p);
  if (field) throw invalid(field, p[field]);
}

/** INVALID_FIELD for `field`: `标签：原因`, the field named in the reply. */
export const invalid = formError(LABELS);
