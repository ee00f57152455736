// mall: the points mall (积分商城). Members browse, redeem and manage their orders; operators keep
// the catalog, stock and code pools, fulfil orders and set the checkout deduction rules. The rules
// behind these actions are in docs/mall.md.
import { z } from 'zod';
import { action, defineFunction } from '../common/handler';
import { instantInput } from '../common/inputs';
import { getDb } from '../common/cloud';
import { AppError } from '../common/errors';
import { setCheckoutRules, checkoutRules } from '../common/mall/checkout';
import { tierOf } from '../common/tiers/service';
import { addCodes, addStock, categories, createItem, itemDetail, listItems, migrateStock, updateItem } from '../common/mall/items';
import { MALL } from '../common/mall/model';
import { changesSchema, checkCodes, createSchema, parseFields } from '../common/mall/fields';
import { storeImage } from '../common/mall/images';
import { MAX_SHIP_ROWS, previewShipBatch, shipBatch } from '../common/mall/ship-batch';
import { addressProblem } from '../common/mall/rules';
import { accessFor, ordersForOperator } from '../common/privacy/access';
import { cancelOrder, completeOrder, exportOrders, listOrders, operatorCancel, orderDetail, payAgain, shipOrder } from '../common/mall/orders';
import { redeem } from '../common/mall/redeem';
import { redeemedBy } from '../common/mall/redeemed';
import { CANCEL_REASON } from '../common/mall/words';

const id = z.string().regex(/^[\w\-]{1,64}$/, 'letters, digits, _ and - only (1-64)');
const orderId = z.string().regex(/^o[A-Za-z0-9]{1,40}$/, 'not an order id');
const clientKey = z.string().regex(/^[\w:.\-|@]{8,64}$/, 'clientKey must be 8-64 characters of letters, digits and _ : . - | @');
const cursor = z.string().min(1).max(300).optional();
const limit = z.number().int().min(1).max(50).default(20);
const text = (max: number) => z.string().trim().min(1).max(max).refine((s) => !/[<>\u0000-\u001f]/.test(s), 'no control characters or < >');
const status = z.enum(['unpaid', 'toShip', 'shipped', 'completed', 'cancelled']);
// Lengths and divisions are the domain's (addressProblem): TEXT_TOO_LONG / ADDRESS_REGION_UNKNOWN, not BAD_REQUEST.
const address = z
  .object({ name: z.string(), phone: z.string(), province: z.string(), city: z.string(), district: z.string(), detail: z.string() })
  .strict();

// The console's item form: the schema names the fields it takes (any JSON value each); their values
// are checked by fields.ts with the Chinese message the form shows next to the field (INVALID_FIELD).
const anyOf = (keys: readonly string[]) => Object.fromEntries(keys.map((k) => [k, z.unknown().optional()]));
const createKeys = Object.keys(createSchema.shape);
const itemInput = z.object(anyOf(createKeys)).strict();
const changesInput = z.object(anyOf(createKeys.filter((k) => !['id', 'stock', 'shards'].includes(k)))).strict();
/** A new item's id when the console leaves it to the server: short, unique enough, readable in a URL. */
const newItemId = () => `i${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const lines = z.array(z.string().max(300)).min(1).max(MAX_SHIP_ROWS + 20);

export const main = defineFunction({
  name: 'mall',
  actions: {
    categories: action({
      auth: 'member',
      input: z.object({}).strict(),
      run: async () => ({ categories: await categories() }),
    }),
    items: action({
      auth: 'member',
      input: z.object({ category: z.string().max(12).optional(), cursor, limit }).strict(),
      run: async (i, { caller }) => listItems({ ...i, tier: (await tierOf(caller.openid)).tier }),
    }),
    item: action({
      auth: 'member',
      input: z.object({ id }).strict(),
      run: (i, { caller }) => itemDetail(i.id, caller.openid),
    }),
    redeem: action({
      auth: 'member',
      input: z
        .object({
          item: id,
          quantity: z.number().int('quantity must be a whole number').min(1, 'quantity must be at least 1').max(99),
          clientKey,
          address: address.optional(),
        })
        .strict(),
      run: (i, { caller }) => redeem({ member: caller.openid, item: i.item, quantity: i.quantity, clientKey: i.clientKey, address: i.address ?? null }),
    }),
    orders: action({
      auth: 'member',
      input: z.object({ status: status.optional(), cursor, limit }).strict(),
      run: (i, { caller }) => listOrders({ ...i, member: caller.openid }),
    }),
    order: action({
      auth: 'member',
      input: z.object({ id: orderId }).strict(),
      run: async (i, { caller }) => ({ order: await orderDetail(i.id, caller.openid) }),
    }),
    cancel: action({
      auth: 'member',
      input: z.object({ id: orderId, reason: z.string().trim().max(100).default(CANCEL_REASON.member) }).strict(),
      run: async (i, { caller }) => ({ order: await cancelOrder(i.id, { by: 'member', reason: i.reason || CANCEL_REASON.member, member: caller.openid }) }),
    }),
    pay: action({
      auth: 'member',
      input: z.object({ id: orderId }).strict(),
      run: (i, { caller }) => payAgain(i.id, caller.openid),
    }),
    redeemed: action({
      auth: 'member',
      input: z.object({}).strict(),
      run: (_i, { caller }) => redeemedBy(caller.openid),
    }),
    address: action({
      auth: 'member',
      input: z.object({}).strict(),
      run: async (_i, { caller }) => {
        const { data } = await getDb().collection(MALL.addresses).doc(caller.openid).get();
        return { address: (data as { address?: unknown } | null)?.address ?? null };
      },
    }),
    saveAddress: action({
      auth: 'member',
      input: z.object({ address }).strict(),
      run: async (i, { caller }) => {
        const problem = addressProblem(i.address);
        if (problem) throw new AppError(problem.code, problem.message);
        await getDb().collection(MALL.addresses).doc(caller.openid).set({ data: { address: i.address, updatedAt: new Date() } });
        return { address: i.address };
      },
    }),

    // Operators
    adminItems: action({
      auth: 'operator',
      role: 'viewer',
      input: z
        .object({ category: z.string().max(12).optional(), q: z.string().trim().max(40).optional(), state: z.enum(['hidden', 'upcoming', 'onSale', 'delisted']).optional(), cursor, limit })
        .strict(),
      run: (i) => listItems({ ...i, q: i.q || undefined, operator: true }),
    }),
    adminItem: action({
      auth: 'operator', role: 'viewer',
      input: z.object({ id }).strict(),
      run: (i) => itemDetail(i.id, null),
    }),
    /** A picture for an item: the file's bytes as base64 chunks; its kind is read from its first bytes. */
    uploadImage: action({
      auth: 'operator',
      input: z.object({ data: z.array(z.string()).max(200), name: z.string().max(100).optional() }).strict(),
      run: (i) => storeImage(i.data),
    }),
    createItem: action({
      auth: 'operator',
      // A new id made by the server is not known before the run: the audit then keeps the input only.
      audit: { target: (i) => (typeof i.id === 'string' ? { collection: MALL.items, id: i.id } : null) },
      input: itemInput,
      run: (raw, { caller }) => {
        const { id: itemId, stock, shards, ...fields } = parseFields(createSchema, raw);
        return createItem(itemId ?? newItemId(), fields as any, stock, shards, caller.openid);
      },
    }),
    updateItem: action({
      auth: 'operator',
      audit: { target: (i) => ({ collection: MALL.items, id: i.id }) },
      input: z.object({ id, changes: changesInput.refine((c) => Object.keys(c).length > 0, 'changes must name at least one field') }).strict(),
      run: (i, { caller }) => updateItem(i.id, parseFields(changesSchema, i.changes) as any, caller.openid),
    }),
    addStock: action({
      auth: 'operator',
      audit: { target: (i) => ({ collection: MALL.items, id: i.id }) },
      input: z.object({ id, units: z.unknown() }).strict(),
      run: (i, { caller }) => {
        const { units } = parseFields(z.object({ units: z.number({ error: '必须是数字' }).int('必须是整数').min(1, '至少 1 件').max(1_000_000, '一次最多 1,000,000 件') }), i, { units: '追加库存' });
        return addStock(i.id, units, caller.openid);
      },
    }),
    migrateStock: action({
      auth: 'operator',
      input: z.object({}).strict(),
      run: (_i, { caller }) => migrateStock(caller.openid),
    }),
    addCodes: action({
      auth: 'operator',
      audit: { target: (i) => ({ collection: MALL.items, id: i.id }) },
      input: z.object({ id, codes: z.array(z.unknown()).max(500) }).strict(),
      run: (i, { caller }) => addCodes(i.id, checkCodes(i.codes), caller.openid),
    }),
    adminOrders: action({
      auth: 'operator', role: 'viewer',
      input: z.object({ status: status.optional(), item: id.optional(), member: z.string().min(1).max(128).optional(), cursor, limit }).strict(),
      // Addresses masked unless the operator's role may see them; unmasked views audited (docs/privacy.md).
      run: async (i, { caller }) => {
        const page = await listOrders({ ...i, withMember: true });
        return { ...page, items: await ordersForOperator(await accessFor(caller.openid), page.items) };
      },
    }),
    adminOrder: action({
      auth: 'operator', role: 'viewer',
      input: z.object({ id: orderId }).strict(),
      run: async (i, { caller }) => ({ order: (await ordersForOperator(await accessFor(caller.openid), [await orderDetail(i.id)]))[0] }),
    }),
    ship: action({
      auth: 'operator',
      audit: { target: (i) => ({ collection: MALL.orders, id: i.id }) },
      input: z.object({ id: orderId, company: text(20), trackingNo: z.string().regex(/^[A-Za-z0-9\-]{6,40}$/, 'trackingNo: 6-40 letters, digits or -') }).strict(),
      run: async (i, { caller }) => ({ order: await shipOrder(i.id, { company: i.company, trackingNo: i.trackingNo }, caller.openid) }),
    }),
    /** Batch shipping from a CSV's lines (订单号, 快递公司, 运单号): what each row would do, changing nothing. */
    previewShipBatch: action({
      auth: 'operator',
      role: 'viewer',
      input: z.object({ lines }).strict(),
      run: (i) => previewShipBatch(i.lines),
    }),
    /** Ships the rows that may ship; each row idempotent (the same file twice ships nothing twice). */
    shipBatch: action({
      auth: 'operator',
      input: z.object({ lines }).strict(),
      run: (i, { caller }) => shipBatch(i.lines, caller.openid),
    }),
    complete: action({
      auth: 'operator',
      audit: { target: (i) => ({ collection: MALL.orders, id: i.id }) },
      input: z.object({ id: orderId }).strict(),
      run: async (i, { caller }) => ({ order: await completeOrder(i.id, caller.openid) }),
    }),
    adminCancel: action({
      auth: 'operator',
      audit: { target: (i) => ({ collection: MALL.orders, id: i.id }) },
      input: z.object({ id: orderId, reason: text(100) }).strict(),
      run: async (i, { caller }) => ({ order: await operatorCancel(i.id, i.reason, caller.openid) }),
    }),
    exportOrders: action({
      auth: 'operator',
      input: z.object({ status: status.optional(), item: id.optional(), from: instantInput().optional(), to: instantInput().optional() }).strict(),
      run: async (i, { caller }) => {
        const access = await accessFor(caller.openid);
        return exportOrders({ ...i, from: i.from ? new Date(i.from) : undefined, to: i.to ? new Date(i.to) : undefined }, (rows) => ordersForOperator(access, rows, 'export'));
      },
    }),
    checkoutRules: action({
      auth: 'operator', role: 'viewer',
      input: z.object({}).strict(),
      run: () => checkoutRules(),
    }),
    setCheckoutRules: action({
      auth: 'operator',
      input: z.object({ stepPoints: z.number().int().min(1).max(100_000), maxSharePercent: z.number().int().min(1).max(100) }).strict(),
      run: (i, { caller }) => setCheckoutRules(i, caller.openid),
    }),
  },
});
