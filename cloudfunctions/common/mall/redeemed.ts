// What a member's points have already bought (the brief: show the value points have had, "已兑换 6
// 件好礼，价值 ¥238"): the units of every order that got its points — paid or delivering, to ship,
// shipped, completed — and what they were worth: the points at today's exchange rate plus the cash
// paid. One aggregate over the member's orders (the member_status_createdAt index) and the rate
// (cached by the ledger's settings).
import { getDb } from '../cloud';
import { pointsToFen } from '../ledger/rates';
import { currentRate } from '../ledger/settings';
import { MALL, type OrderStatus } from './model';

/** Orders whose points were spent and not given back. */
export const REDEEMED: OrderStatus[] = ['paying', 'toShip', 'shipped', 'completed'];

export interface Redeemed {
  /** Units redeemed (game prizes included: they are goods the member got). */
  units: number;
  points: number;
  cashFen: number;
  /** points at today's rate + cash, in fen. */
  valueFen: number;
}

export async function redeemedBy(member: string, now = new Date()): Promise<Redeemed> {
  const db = getDb();
  const $ = db.command.aggregate;
  const [{ list }, rate] = await Promise.all([
    db
      .collection(MALL.orders)
      .aggregate()
      .match({ member, status: db.command.in(REDEEMED) })
      .group({ _id: null, units: $.sum('$quantity'), points: $.sum('$points'), cashFen: $.sum($.multiply(['$cashFen', '$quantity'])) })
      .end(),
    currentRate(now),
  ]);
  const row = (list[0] ?? { units: 0, points: 0, cashFen: 0 }) as { units: number; points: number; cashFen: number };
  return { units: row.units, points: row.points, cashFen: row.cashFen, valueFen: pointsToFen(row.points, rate) + row.cashFen };
}
