// Batch shipping from a CSV (订单号, 快递公司, 运单号): the console shows what will ship and which rows
// are refused and why (`previewShipBatch`), then applies it (`shipBatch`). Each row is decided on its
// own and is idempotent: an order already shipped with the same company and number is "already", so
// importing the same file twice ships nothing twice; one bad row never stops the others.
import { getDb } from '../cloud';
import { AppError } from '../errors';
import { fieldError } from '../forms';
import { MALL, type Order } from './model';
import { readOrder } from './order-doc';
import { shipOrder } from './orders';
import { ORDER_STATUS_TEXT } from './words';

export const MAX_SHIP_ROWS = 500;

export interface ShipRow {
  /** The line in the file (1-based), so a person can find it. */
  line: number;
  order: string;
  company: string;
  trackingNo: string;
}
export type ShipOutcome = 'ship' | 'shipped' | 'already' | 'refused';
export interface ShipResult extends ShipRow {
  outcome: ShipOutcome;
  /** Why a row is refused or already done (Chinese). */
  reason?: string;
  /** The order's item title, when the order exists. */
  title?: string;
}

/** One CSV line's cells: commas or tabs (a paste from a spreadsheet), "quoted ""cells""". */
export function csvCells(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"' && !cell.trim()) {
      quoted = true;
      cell = '';
    } else if (c === ',' || c === '\t' || c === '，') {
      cells.push(cell.trim());
      cell = '';
    } else cell += c;
  }
  cells.push(cell.trim());
  return cells;
}

// A row names its order by the 订单号 people read (20261129-483920, as the CSV export writes it) or
// by its id.
const ORDER_ID = /^o[A-Za-z0-9]{1,40}$/;
const ORDER_NO = /^\d{8}-\d{6}$/;
const TRACKING = /^[A-Za-z0-9\-]{6,40}$/;

/**
 * The file's lines → rows to decide, and the rows refused by their form alone. A first line naming
 * its columns (订单号 / order) is a header; blank lines are skipped. Pure.
 */
export function parseShipLines(lines: string[]): { rows: ShipRow[]; refused: ShipResult[] } {
  const rows: ShipRow[] = [];
  const refused: ShipResult[] = [];
  const seen = new Map<string, number>();
  lines.forEach((raw, i) => {
    const text = (i === 0 ? raw.replace(/^\uFEFF/, '') : raw).trim();
    if (!text) return;
    const [order = '', company = '', trackingNo = ''] = csvCells(text);
    if (i === 0 && /订单|order/i.test(order)) return;
    const row: ShipRow = { line: i + 1, order, company, trackingNo };
    const no = (reason: string) => refused.push({ ...row, outcome: 'refused', reason });
    if (!order) return no('缺少订单号');
    if (!ORDER_ID.test(order) && !ORDER_NO.test(order)) return no('订单号格式不对');
    if (!company) return no('缺少快递公司');
    if (company.length > 20 || /[<>\u0000-\u001f]/.test(company)) return no('快递公司不能超过 20 个字，且不能包含 < >');
    if (!trackingNo) return no('缺少运单号');
    if (!TRACKING.test(trackingNo)) return no('运单号应为 6–40 位字母、数字或 -');
    const first = seen.get(order);
    if (first) return no(`与第 ${first} 行是同一订单`);
    seen.set(order, row.line);
    rows.push(row);
  });
  return { rows, refused };
}

/** What a well-formed row does to the order as stored. Pure. */
export function decideShip(row: ShipRow, order: Pick<Order, 'status' | 'title' | 'logistics'> | null): ShipResult {
  if (!order) return { ...row, outcome: 'refused', reason: '订单不存在' };
  const title = order.title;
  if (order.status === 'toShip') return { ...row, outcome: 'ship', title };
  if (order.status === 'shipped' && order.logistics) {
    const same = order.logistics.company === row.company && order.logistics.trackingNo === row.trackingNo;
    return same
      ? { ...row, outcome: 'already', title, reason: '运单号相同，不会重复发货' }
      : { ...row, outcome: 'refused', title, reason: `已发货（${order.logistics.company} ${order.logistics.trackingNo}），不能改运单号` };
  }
  return { ...row, outcome: 'refused', title, reason: `订单${ORDER_STATUS_TEXT[order.status] ?? '状态不对'}，不能发货` };
}

function checkLines(lines: string[]): void {
  const filled = lines.filter((l) => l.trim()).length;
  if (!filled) throw fieldError('lines', '发货文件', '是空的');
  if (filled > MAX_SHIP_ROWS + 1) throw fieldError('lines', '发货文件', `一次最多 ${MAX_SHIP_ROWS} 行，请分批导入`);
}

/** The orders the rows name (by 订单号 or id), keyed as the rows name them, in queries of 100. */
async function ordersOf(keys: string[]): Promise<Map<string, Order>> {
  const db = getDb();
  const found = new Map<string, Order>();
  for (const [field, wanted] of [['no', keys.filter((k) => ORDER_NO.test(k))], ['_id', keys.filter((k) => !ORDER_NO.test(k))]] as const) {
    for (let i = 0; i < wanted.length; i += 100) {
      const { data } = await db
        .collection(MALL.orders)
        .where({ [field]: db.command.in(wanted.slice(i, i + 100)) })
        .field({ _id: true, no: true, status: true, title: true, logistics: true })
        .limit(100)
        .get();
      for (const o of data as Order[]) found.set(field === 'no' ? (o as Order & { no: string }).no : o._id, o);
    }
  }
  return found;
}

const byLine = (a: ShipResult, b: ShipResult) => a.line - b.line;
const summary = (rows: ShipResult[]) => ({
  rows: rows.sort(byLine),
  counts: Object.fromEntries((['ship', 'shipped', 'already', 'refused'] as ShipOutcome[]).map((k) => [k, rows.filter((r) => r.outcome === k).length])) as Record<ShipOutcome, number>,
});

/** What the file would do, changing nothing. */
export async function previewShipBatch(lines: string[]) {
  checkLines(lines);
  const { rows, refused } = parseShipLines(lines);
  const orders = await ordersOf(rows.map((r) => r.order));
  return summary([...refused, ...rows.map((r) => decideShip(r, orders.get(r.order) ?? null))]);
}

/**
 * Ships every row that may ship (each through `shipOrder`'s conditional toShip → shipped, so a row
 * raced by another shipment is decided again from the order as it now is), row by row.
 */
export async function shipBatch(lines: string[], operator: string, now = new Date()) {
  checkLines(lines);
  const { rows, refused } = parseShipLines(lines);
  const orders = await ordersOf(rows.map((r) => r.order));
  const results: ShipResult[] = [...refused];
  for (const row of rows) {
    const order = orders.get(row.order) ?? null;
    const decided = decideShip(row, order);
    if (!order || decided.outcome !== 'ship') {
      results.push(decided);
      continue;
    }
    try {
      await shipOrder(order._id, { company: row.company, trackingNo: row.trackingNo }, operator, now);
      results.push({ ...decided, outcome: 'shipped' });
    } catch (e) {
      if (!(e instanceof AppError) || (e.code !== 'ORDER_STATE' && e.code !== 'NOT_FOUND')) throw e;
      const again = decideShip(row, await readOrder(order._id));
      results.push(again.outcome === 'ship' ? { ...again, outcome: 'refused', reason: '订单正被处理，请稍后重试' } : again);
    }
  }
  return summary(results);
}
