// The mall's documents (docs/mall.md). Items are the catalog; their stock is a shared capped
// counter (`counters/mall:<item>`, docs/counters.md) whose shards keep a flash sale's buyers from
// all queueing on one document; orders are the journal of each redemption and name what undoes
// every step (the points' ledger key, the stock taken from each shard, the member's limit count).
export const MALL = {
  items: 'mallItems',
  /** Stock shards before the shared counter (`<item>#<i>`: left, sold); read only by `migrateStock`. */
  legacyStock: 'mallStock',
  limits: 'mallLimits',
  codes: 'mallCodes',
  orders: 'mallOrders',
  audit: 'mallAudit',
  addresses: 'mallAddresses',
  checkouts: 'checkoutOrders',
} as const;

export type ItemKind = 'physical' | 'coupon' | 'cardCode' | 'redPacket';
export const ITEM_KINDS: ItemKind[] = ['physical', 'coupon', 'cardCode', 'redPacket'];
/** Kinds delivered at once from the item's code pool. */
export const isVirtual = (kind: ItemKind) => kind === 'coupon' || kind === 'cardCode';

export interface Item {
  _id: string;
  title: string;
  images: string[];
  description: string;
  category: string;
  kind: ItemKind;
  /** Price in points per unit (≥ 1). */
  points: number;
  /** Cash part per unit in fen (0 = points only). */
  cashFen: number;
  /** Red packet value in fen (kind redPacket). */
  redPacketFen: number;
  /** Units ever put on sale (the stock counter's cap); what is left is Σ of its shards' `left`. */
  stock: number;
  shards: number;
  /** Units one member may hold across all their live orders (0 = no limit). */
  perMemberLimit: number;
  /** Units in one order. */
  perOrderMax: number;
  /** 上架 / 下架 instants; null = no bound. The state is computed at read time. */
  listAt: Date | null;
  delistAt: Date | null;
  /** A flash sale (秒杀): shown with a countdown to listAt. */
  flashSale: boolean;
  sortWeight: number;
  visible: boolean;
  /** Tier-only (会员专享): the tier levels that see it listed and may redeem it; absent or [] = everyone (docs/tiers.md#tier-only-items). */
  tiers?: string[];
  createdAt: Date;
  updatedAt: Date;
  updatedBy: string;
}

/** A stock shard as it was before the shared counter (migrated by `migrateStock`). */
export interface LegacyStockShard {
  _id: string;
  item: string;
  left: number;
  sold: number;
}

/** `paying`: paid, being delivered (the payment is recorded on the order; the sweep finishes a cut-short delivery). */
export type OrderStatus = 'creating' | 'unpaid' | 'paying' | 'toShip' | 'shipped' | 'completed' | 'cancelled' | 'failed';

export interface Address {
  name: string;
  phone: string;
  province: string;
  city: string;
  district: string;
  detail: string;
}

export interface Order {
  _id: string;
  /** 订单号 `20261129-483920` (order-doc.ts `orderNoCandidates`); absent on orders made before numbers (`orderNoOf` derives one). */
  no?: string;
  member: string;
  clientKey: string;
  /** The redemption's parameters (item, quantity, address) hashed: the same key with others is IDEMPOTENCY_MISMATCH. */
  fingerprint?: string;
  item: string;
  title: string;
  image: string;
  kind: ItemKind;
  quantity: number;
  points: number;
  cashFen: number;
  status: OrderStatus;
  /** Why a failed redemption failed (its error code): a retry with the same key answers it again. */
  failCode?: string;
  address: Address | null;
  /**
   * Ledger key of the order's points, `mall:<order>`: points only, the debit entry (reversed on
   * cancel); points + cash, the hold (its commit entry `commit:<hold>`). Named for the holds every
   * order had before points-only redemptions debited directly.
   */
  hold: string;
  /** Orders made before journals: the stock shard the unit(s) came from. New orders: null (see `journal`). */
  shard: string | null;
  /**
   * The redemption saga's journal (redeem.ts): what each step took — `limit` (units counted),
   * `stock` ([{shard, n}]), `codes` ([{id, code}]) — so a failure, a cancel or the crash sweep gives
   * back exactly that.
   */
  journal?: { limit?: number | null; stock?: { shard: string; n: number }[] | null; codes?: { id: string; code: string }[] | null; order?: true | null };
  /** True once stock and limit were given back (cancel, timeout, failure). */
  returned: boolean;
  /** Virtual items: the card codes delivered from the pool (`quantity` of them); `code` is the first (orders before `codes` had only it). */
  codes?: string[];
  code?: string;
  /** Red packets: the cash owed (fen) and its payout in the outbox (`payouts/payout:order:<id>`). */
  redPacketFen?: number;
  payout?: string;
  payment?: { expiresAt: Date; paidAt?: Date; transactionId?: string; refundedAt?: Date };
  logistics?: { company: string; trackingNo: string; shippedAt: Date };
  cancel?: { reason: string; by: string; at: Date };
  completedAt?: Date;
  /** A game prize's order (0 points): the draw that won it (docs/play.md). */
  prize?: string;
  createdAt: Date;
  updatedAt: Date;
}

/** The item's stock counter (its shards are `mall:<item>#<i>`). */
export const stockCounterOf = (item: string) => `mall:${item}`;
export const limitId = (item: string, member: string) => `${item}:${member}`;
/** The ledger key of an order's points: its debit (points only) or its hold (points + cash). */
export const pointsKeyOf = (orderId: string) => `mall:${orderId}`;

/** Whether a member of tier level `tier` may see and redeem the item. */
export const forTier = (item: Pick<Item, 'tiers'>, tier: string) => !item.tiers?.length || item.tiers.includes(tier);
