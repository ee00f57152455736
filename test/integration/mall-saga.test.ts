// The redemption saga's cost and its crashes, through the built functions: database requests per
// redemption (the bench's probe and its variants), a function process dying between the stock and
// the ledger transaction, the jobs sweep racing a redemption whose ledger transaction is open, a
// paid order's delivery cut short or its reply lost, and the checkout's hold dying mid-transaction.
import { Engine, EngineError, loadSchema, TRANSACTION_CONFLICT } from '../../local/engine';
import { LOCAL_CHECKOUT_SECRET } from '../../local/runtime/identity';
import { SCHEMA_PATH } from '../../local/cloud';
import { callStorage } from '../../local/runtime/identity';
import { Runner } from '../../local/runtime/runner';
import { allTriggers, fireTrigger } from '../../local/runtime/timers';
import { createTestCloud, makeOperator, type TestCloud } from '../helpers/cloud';
import { account, ADDRESS, baseItem, member, OPS, stockLeft, stockShards } from './mall-fixtures';

async function create(cloud: TestCloud, id: string, stock: number, over: Record<string, unknown> = {}) {
  expect(await cloud.call('mall', { action: 'createItem', id, stock, shards: 1, ...baseItem(over) }, OPS)).toMatchObject({ ok: true });
}

const redeem = (cloud: TestCloud, item: string, clientKey: string, who: string, over: Record<string, unknown> = {}) =>
  cloud.call('mall', { action: 'redeem', item, quantity: 1, clientKey, address: ADDRESS, ...over }, who);

/** The jobs tick, as the timer fires it, `minutes` from now (stale `creating` orders are 10 minutes old). */
async function tick(cloud: TestCloud, minutes: number) {
  const trigger = allTriggers().find((t) => t.functionName === 'jobs' && t.name === 'tick')!;
  const fired = await fireTrigger(cloud.runner, trigger, new Date(Date.now() + minutes * 60_000));
  expect(fired.result).toMatchObject({ ok: true });
  return (fired.result as any).data.orders as { ordersTimedOut: number; ordersFailed: number; ordersResumed: number };
}

/** createTestCloud with a short transaction timeout: a dead process's transaction is aborted soon. */
function cloudWithTxTimeout(ms: number): TestCloud {
  const engine = Engine.open({ dataDir: null, schema: loadSchema(SCHEMA_PATH), transactionTimeoutMs: ms });
  const runner = new Runner(engine).loadAll();
  const callCounted = async (fn: string, data: Record<string, unknown>, openid = 'oTEST-member') => {
    const { result, dbRequests } = await runner.callAsMember(fn, data, openid);
    return { reply: result as any, dbRequests };
  };
  return { engine, runner, callCounted, call: async (fn, data, openid) => (await callCounted(fn, data, openid)).reply };
}

type Match = (action: string, params: Record<string, any>) => boolean;
type Kind = 'die' | 'pause' | 'fail' | 'lose';
const crash = () => new Error('injected crash: the function process died');

/**
 * Intercepts the engine's requests made by the named functions. The first request matching the
 * armed rule (the first `times`, for `fail`):
 * - `die` kills its call: that and every later request of the same call fail, not even a rollback
 *   leaves the process;
 * - `pause` waits until released;
 * - `fail` fails with the given error and the call carries on (a transient error);
 * - `lose` is applied, then its reply is lost: the call sees an error and carries on.
 */
function intercept(cloud: TestCloud, functions = ['mall', 'mallpay', 'checkout']) {
  const send = cloud.engine.send.bind(cloud.engine);
  const dead = new Set<unknown>();
  let rule: { match: Match; kind: Kind; error?: Error; left: number; arrived: () => void; released: Promise<void> } | null = null;
  cloud.engine.send = (async (action: string, params: Record<string, any>) => {
    const call = callStorage.getStore();
    if (call && dead.has(call)) throw crash();
    const r = rule;
    if (!r || !functions.includes(call?.functionName ?? '') || !r.match(action, params)) return send(action, params);
    if (--r.left === 0) rule = null;
    r.arrived();
    switch (r.kind) {
      case 'die':
        dead.add(call);
        throw crash();
      case 'fail':
        throw r.error;
      case 'lose':
        await send(action, params);
        throw new Error('injected: the reply was lost');
      case 'pause':
        await r.released;
        return send(action, params);
    }
  }) as typeof cloud.engine.send;
  const arm = (kind: Kind, match: Match, error?: Error, times = 1) => {
    let arrived!: () => void;
    let release!: () => void;
    const reached = new Promise<void>((r) => (arrived = r));
    const released = new Promise<void>((r) => (release = r));
    rule = { match, kind, error, left: times, arrived, released };
    return { reached, release };
  };
  return {
    die: (match: Match) => arm('die', match),
    pause: (match: Match) => arm('pause', match),
    fail: (match: Match, error: Error, times = 1) => arm('fail', match, error, times),
    lose: (match: Match) => arm('lose', match),
    clear: () => void (rule = null),
  };
}

const isTxStart: Match = (action) => action === 'database.startTransaction';
const isTxCommit: Match = (action) => action === 'database.commitTransaction';
/** The order's final state written inside the ledger's transaction. */
const isOrderWriteInTx: Match = (action, p) => action === 'database.modifyDocument' && !!p.transactionId && p.collectionName === 'mallOrders';
/** A virtual item's code claimed (a conditional update of the pool). */
const isCodeClaim: Match = (action, p) => action === 'database.modifyDocument' && p.collectionName === 'mallCodes';
const assignedCodes = (cloud: TestCloud) => (cloud.engine.dump('mallCodes') as any[]).filter((c) => c.status === 'assigned');

const ordersOf = (cloud: TestCloud, who: string, item: string) => (cloud.engine.dump('mallOrders') as any[]).filter((o) => o.member === who && o.item === item);
const entriesOf = (cloud: TestCloud, who: string) => (cloud.engine.dump('ledger') as any[]).filter((e) => e.member === who);
const stock = (cloud: TestCloud, item: string) => stockShards(cloud, item)[0];

describe('database requests per redemption', () => {
  let cloud: TestCloud;
  beforeAll(async () => {
    cloud = createTestCloud();
    makeOperator(cloud, OPS);
    await member(cloud, 'oCost', 100_000); // one lot, as in bench/mall.ts
    await create(cloud, 'probe', 10); // physical, points only, no limit, 1 shard: the bench's probe
    await create(cloud, 'limited', 10, { perMemberLimit: 3 });
    await create(cloud, 'cash', 10, { cashFen: 990 });
    await create(cloud, 'card', 0, { kind: 'cardCode' });
    await create(cloud, 'hongbao', 10, { kind: 'redPacket', redPacketFen: 100, category: '红包' });
    expect(await cloud.call('mall', { action: 'addCodes', id: 'card', codes: ['CARD-1', 'CARD-2', 'CARD-3'] }, OPS)).toMatchObject({ ok: true });
  });

  const counted = async (item: string, clientKey: string, over: Record<string, unknown> = {}) => {
    const { reply, dbRequests } = await cloud.callCounted('mall', { action: 'redeem', item, quantity: 1, clientKey, address: ADDRESS, ...over }, 'oCost');
    expect(reply).toMatchObject({ ok: true });
    return dbRequests;
  };

  test('the probe (physical, points only, no limit, one shard) makes at most 10; its variants', async () => {
    const n = {
      probe: await counted('probe', 'cost-probe-1'),
      limitFirst: await counted('limited', 'cost-limit-1'),
      limitAgain: await counted('limited', 'cost-limit-2'),
      pointsCash: await counted('cash', 'cost-cash-1'),
      virtual: await counted('card', 'cost-card-1', { address: undefined }),
      redPacket: await counted('hongbao', 'cost-hongbao-1', { address: undefined }),
      retry: await counted('probe', 'cost-probe-1'),
    };
    console.log(`database requests per redemption: ${JSON.stringify(n)}`);
    // Measured 10: the read (item, points, shards, count, codes, the key's order), the order add, the
    // shard decrement, the journal's record, the debit (start, account get, entry add, account
    // update, commit) with the order's write inside its transaction.
    expect(n.probe).toBeLessThanOrEqual(10);
    expect(n.limitFirst).toBe(n.probe + 1); // the count is added
    expect(n.limitAgain).toBe(n.probe + 1); // the count is raised
    expect(n.pointsCash).toBe(n.probe + 1); // a hold: its document too
    expect(n.virtual).toBe(n.probe + 1); // the code's claim
    // The payout's add in the debit's transaction, then its first send: the lease, the read, the
    // simulated provider's two (its failure switch, its record) and the result.
    expect(n.redPacket).toBe(n.probe + 1 + 5);
    expect(n.retry).toBe(1); // the read finds the order under the key
  });

  test('a member who cannot pay takes no unit and pays 2 requests for the answer', async () => {
    await member(cloud, 'oCostPoor', 10);
    const before = stockLeft(cloud, 'probe');
    const { reply, dbRequests } = await cloud.callCounted('mall', { action: 'redeem', item: 'probe', quantity: 1, clientKey: 'cost-poor-1', address: ADDRESS }, 'oCostPoor');
    expect(reply).toMatchObject({ ok: false, code: 'INSUFFICIENT_POINTS' });
    expect(dbRequests).toBe(2); // read, the failed order's add
    expect(stockLeft(cloud, 'probe')).toBe(before);
  });
});

describe('a function process dying between the stock and the ledger transaction', () => {
  test('a retry (here a double tap) resumes the recorded redemption: one order, delivered once', async () => {
    const cloud = createTestCloud();
    makeOperator(cloud, OPS);
    await member(cloud, 'oCrash', 1000);
    await create(cloud, 'cup', 5);
    const faults = intercept(cloud);
    const crash = faults.die(isTxStart);
    // A double tap: both calls carry the same key; the first one in dies before its ledger transaction.
    const [a, b] = await Promise.all([redeem(cloud, 'cup', 'crash-key-1', 'oCrash'), crash.reached.then(() => redeem(cloud, 'cup', 'crash-key-1', 'oCrash'))]);
    expect(a).toMatchObject({ ok: false, code: 'INTERNAL' }); // the dead process's own answer never arrives
    expect(b).toMatchObject({ ok: true, data: { order: { status: 'toShip' } } }); // resumed from the order's journal
    const [order] = ordersOf(cloud, 'oCrash', 'cup');
    expect(ordersOf(cloud, 'oCrash', 'cup')).toHaveLength(1);
    expect(order).toMatchObject({ status: 'toShip', journal: { stock: [{ shard: 'mall:cup#0', n: 1 }] } });
    expect(stock(cloud, 'cup')).toMatchObject({ left: 4, sold: 1 });
    expect(account(cloud, 'oCrash')).toMatchObject({ balance: 900, held: 0, spent: 100 });
    expect(await tick(cloud, 11)).toMatchObject({ ordersFailed: 0 });
    expect(await redeem(cloud, 'cup', 'crash-key-1', 'oCrash')).toMatchObject({ ok: true, data: { order: { id: order._id, status: 'toShip' } } });
    expect(entriesOf(cloud, 'oCrash').filter((e) => e.type === 'spend')).toHaveLength(1);
  });

  test('without a retry the sweep fails the order and gives back the unit it recorded; the key then answers ORDER_EXPIRED', async () => {
    const cloud = createTestCloud();
    makeOperator(cloud, OPS);
    await member(cloud, 'oCrash', 1000);
    await create(cloud, 'cup', 5);
    intercept(cloud).die(isTxStart);
    expect(await redeem(cloud, 'cup', 'crash-key-1', 'oCrash')).toMatchObject({ ok: false, code: 'INTERNAL' });
    expect(ordersOf(cloud, 'oCrash', 'cup')[0]).toMatchObject({ status: 'creating', journal: { stock: [{ shard: 'mall:cup#0', n: 1 }] } });
    expect(stock(cloud, 'cup')).toMatchObject({ left: 4, sold: 1 }); // the unit was taken

    expect(await tick(cloud, 5)).toMatchObject({ ordersFailed: 0 }); // not stale yet
    expect(await tick(cloud, 11)).toMatchObject({ ordersFailed: 1 });
    expect(ordersOf(cloud, 'oCrash', 'cup')[0]).toMatchObject({ status: 'failed', failCode: 'ORDER_EXPIRED', returned: true });
    expect(stock(cloud, 'cup')).toMatchObject({ left: 5, sold: 0 }); // given back: the order recorded it
    expect(account(cloud, 'oCrash')).toMatchObject({ balance: 1000, held: 0, spent: 0 });
    expect(entriesOf(cloud, 'oCrash').map((e) => e.type)).toEqual(['adjust']);
    expect(await tick(cloud, 12)).toMatchObject({ ordersFailed: 0 }); // once
    expect(stock(cloud, 'cup')).toMatchObject({ left: 5, sold: 0 });

    // The same key answers a listed code (never INTERNAL, never `creating`); a new key redeems normally.
    expect(await redeem(cloud, 'cup', 'crash-key-1', 'oCrash')).toMatchObject({ ok: false, code: 'ORDER_EXPIRED' });
    expect(ordersOf(cloud, 'oCrash', 'cup')).toHaveLength(1);
    expect(await redeem(cloud, 'cup', 'crash-key-2', 'oCrash')).toMatchObject({ ok: true, data: { order: { status: 'toShip' } } });
    expect(stock(cloud, 'cup')).toMatchObject({ left: 4, sold: 1 });
    expect(account(cloud, 'oCrash')).toMatchObject({ balance: 900, spent: 100 });
  });

  test('dying before the journal is recorded: a retry answers CONFLICT (never `creating`), the sweep fails the order', async () => {
    const cloud = createTestCloud();
    makeOperator(cloud, OPS);
    await member(cloud, 'oCrash', 1000);
    await create(cloud, 'cup', 5);
    intercept(cloud).die((action, p) => action === 'database.modifyDocument' && p.collectionName === 'counterShards');
    expect(await redeem(cloud, 'cup', 'early-key-1', 'oCrash')).toMatchObject({ ok: false, code: 'INTERNAL' });
    expect(await redeem(cloud, 'cup', 'early-key-1', 'oCrash')).toMatchObject({ ok: false, code: 'CONFLICT' });
    expect(await tick(cloud, 11)).toMatchObject({ ordersFailed: 1 });
    expect(await redeem(cloud, 'cup', 'early-key-1', 'oCrash')).toMatchObject({ ok: false, code: 'ORDER_EXPIRED' });
    expect(stock(cloud, 'cup')).toMatchObject({ left: 5, sold: 0 }); // it died before its take
  });

  test('a process dying at the commit leaves its transaction open; the sweep fails the order and gives back the unit and the count', async () => {
    const cloud = cloudWithTxTimeout(1000);
    makeOperator(cloud, OPS);
    await member(cloud, 'oCommit', 1000);
    await create(cloud, 'cup', 5, { perMemberLimit: 2 });
    const faults = intercept(cloud);
    faults.die(isTxCommit);
    expect(await redeem(cloud, 'cup', 'commit-key-1', 'oCommit')).toMatchObject({ ok: false, code: 'INTERNAL' });
    // The dead transaction never commits (the engine aborts it when it times out): no points, order creating.
    expect(account(cloud, 'oCommit')).toMatchObject({ balance: 1000, spent: 0 });
    expect(cloud.engine.openTransactions).toBe(1);
    await new Promise((r) => setTimeout(r, 1100)); // the transaction limit (30 s on the cloud) passes
    expect(cloud.engine.openTransactions).toBe(0);
    expect(await tick(cloud, 11)).toMatchObject({ ordersFailed: 1 });
    expect(ordersOf(cloud, 'oCommit', 'cup')[0]).toMatchObject({ status: 'failed', returned: true });
    expect(account(cloud, 'oCommit')).toMatchObject({ balance: 1000, held: 0, spent: 0 });
    // The unit and the count it took came back: the member may have two more.
    expect(stock(cloud, 'cup')).toMatchObject({ left: 5, sold: 0 });
    expect(await redeem(cloud, 'cup', 'commit-key-2', 'oCommit')).toMatchObject({ ok: true });
    expect(await redeem(cloud, 'cup', 'commit-key-3', 'oCommit')).toMatchObject({ ok: true });
    expect(await redeem(cloud, 'cup', 'commit-key-4', 'oCommit')).toMatchObject({ ok: false, code: 'LIMIT_EXCEEDED' });
  });
});

describe('a virtual item\'s redemption dying before its ledger transaction', () => {
  test('the sweep fails the order and gives back the code, the unit and the count', async () => {
    const cloud = createTestCloud();
    makeOperator(cloud, OPS);
    await member(cloud, 'oCard', 1000);
    await create(cloud, 'card', 0, { kind: 'cardCode', perMemberLimit: 2 });
    expect(await cloud.call('mall', { action: 'addCodes', id: 'card', codes: ['CARD-1', 'CARD-2'] }, OPS)).toMatchObject({ ok: true });
    intercept(cloud).die(isTxStart);
    expect(await redeem(cloud, 'card', 'card-crash-1', 'oCard', { address: undefined })).toMatchObject({ ok: false, code: 'INTERNAL' });
    const [order] = ordersOf(cloud, 'oCard', 'card');
    expect(order).toMatchObject({ status: 'creating' });
    expect(assignedCodes(cloud).map((c) => c.order)).toEqual([order._id]); // the code names its order

    expect(await tick(cloud, 11)).toMatchObject({ ordersFailed: 1 });
    expect(ordersOf(cloud, 'oCard', 'card')[0]).toMatchObject({ status: 'failed', returned: true });
    expect(assignedCodes(cloud)).toEqual([]);
    expect(stock(cloud, 'card')).toMatchObject({ left: 2, sold: 0 });
    expect(account(cloud, 'oCard')).toMatchObject({ balance: 1000, held: 0, spent: 0 });
    expect(await redeem(cloud, 'card', 'card-crash-2', 'oCard', { address: undefined })).toMatchObject({ ok: true, data: { order: { status: 'completed' } } });
    expect(await redeem(cloud, 'card', 'card-crash-3', 'oCard', { address: undefined })).toMatchObject({ ok: true, data: { order: { status: 'completed' } } });
    expect(await redeem(cloud, 'card', 'card-crash-4', 'oCard', { address: undefined })).toMatchObject({ ok: false, code: 'LIMIT_EXCEEDED' });
  });
});

describe('a virtual item\'s redemption dying before its record', () => {
  test('the sweep gives back the codes it claimed (they name the order); its unit stays taken: undersold, never oversold', async () => {
    const cloud = createTestCloud();
    makeOperator(cloud, OPS);
    await member(cloud, 'oCard', 1000);
    await create(cloud, 'card', 0, { kind: 'cardCode' });
    expect(await cloud.call('mall', { action: 'addCodes', id: 'card', codes: ['CARD-1', 'CARD-2', 'CARD-3'] }, OPS)).toMatchObject({ ok: true });
    // The record: the order's first write outside a transaction after its add.
    intercept(cloud).die((action, p) => action === 'database.modifyDocument' && !p.transactionId && p.collectionName === 'mallOrders');
    expect(await redeem(cloud, 'card', 'card-early-1', 'oCard', { address: undefined, quantity: 2 })).toMatchObject({ ok: false, code: 'INTERNAL' });
    expect(assignedCodes(cloud)).toHaveLength(2);
    expect(await tick(cloud, 11)).toMatchObject({ ordersFailed: 1 });
    expect(ordersOf(cloud, 'oCard', 'card')[0]).toMatchObject({ status: 'failed', failCode: 'ORDER_EXPIRED', returned: true });
    expect(assignedCodes(cloud)).toEqual([]);
    expect(stockLeft(cloud, 'card')).toBe(1); // the 2 units no document names stay taken
    expect(account(cloud, 'oCard')).toMatchObject({ balance: 1000, spent: 0 });
    expect(await redeem(cloud, 'card', 'card-early-2', 'oCard', { address: undefined })).toMatchObject({ ok: true, data: { order: { status: 'completed' } } });
  });
});

describe('the sweep racing a redemption whose ledger transaction is open', () => {
  let cloud: TestCloud;
  let faults: ReturnType<typeof intercept>;
  beforeAll(async () => {
    cloud = createTestCloud();
    makeOperator(cloud, OPS);
    await member(cloud, 'oRace', 1000);
    await create(cloud, 'cup', 5);
    faults = intercept(cloud);
  });

  test('the redemption commits first: the sweep waits for its lock, then finds the order moved on', async () => {
    const paused = faults.pause(isTxCommit);
    const reply = redeem(cloud, 'cup', 'race-key-1', 'oRace');
    await paused.reached;
    const waits = cloud.engine.stats.transactions.lockWaits;
    const swept = tick(cloud, 11);
    while (cloud.engine.stats.transactions.lockWaits === waits) await new Promise((r) => setTimeout(r, 5));
    paused.release();
    expect(await reply).toMatchObject({ ok: true, data: { order: { status: 'toShip' } } });
    expect(await swept).toMatchObject({ ordersFailed: 0 });
    expect(ordersOf(cloud, 'oRace', 'cup')[0]).toMatchObject({ status: 'toShip' });
    expect(account(cloud, 'oRace')).toMatchObject({ balance: 900, spent: 100 });
    expect(stock(cloud, 'cup')).toMatchObject({ left: 4, sold: 1 });
  });

  test('the sweep fails the order while the transaction runs: the write conflicts, the retry\'s re-read refuses, no points, the unit comes back once', async () => {
    const paused = faults.pause(isOrderWriteInTx);
    const reply = redeem(cloud, 'cup', 'race-key-2', 'oRace');
    await paused.reached; // the transaction has started (read the account), the order is `creating`
    expect(await tick(cloud, 11)).toMatchObject({ ordersFailed: 1 });
    paused.release();
    expect(await reply).toMatchObject({ ok: false, code: 'ORDER_EXPIRED' });
    const order = ordersOf(cloud, 'oRace', 'cup').find((o) => o.clientKey === 'race-key-2');
    expect(order).toMatchObject({ status: 'failed', returned: true });
    expect(account(cloud, 'oRace')).toMatchObject({ balance: 900, held: 0, spent: 100 });
    expect(entriesOf(cloud, 'oRace').filter((e) => e._id === `mall:${order._id}`)).toHaveLength(0);
    expect(stock(cloud, 'cup')).toMatchObject({ left: 4, sold: 1 }); // the sweep gave back what the order recorded, once
  });
});

describe('orders made before points-only redemptions debited directly', () => {
  test('a points-only order with a committed hold is cancelled by reversing the commit', async () => {
    const ledger = await import('../../cloudfunctions/common/ledger/service');
    const cloud = createTestCloud();
    makeOperator(cloud, OPS);
    await member(cloud, 'oLegacy', 1000);
    await create(cloud, 'cup', 5);
    // What the hold-based saga left: the hold committed, the order toShip.
    await ledger.hold({ member: 'oLegacy', amount: 100, key: 'mall:oLegacy1', source: { kind: 'mall', ref: 'oLegacy1' }, ttlSeconds: 1500 });
    await ledger.commitHold('mall:oLegacy1');
    const now = new Date();
    cloud.engine.insertMany('mallOrders', [
      { _id: 'oLegacy1', member: 'oLegacy', clientKey: 'legacy-key-1', item: 'cup', title: '山野茶杯', image: '', kind: 'physical', quantity: 1, points: 100, cashFen: 0, status: 'toShip', address: ADDRESS, hold: 'mall:oLegacy1', shard: null, returned: false, createdAt: now, updatedAt: now },
    ]);
    expect(account(cloud, 'oLegacy')).toMatchObject({ balance: 900, spent: 100 });
    expect(await cloud.call('mall', { action: 'cancel', id: 'oLegacy1' }, 'oLegacy')).toMatchObject({ ok: true, data: { order: { status: 'cancelled' } } });
    expect(account(cloud, 'oLegacy')).toMatchObject({ balance: 1000, held: 0, spent: 0 });
    expect(entriesOf(cloud, 'oLegacy').filter((e) => e.type === 'reverse').map((e) => e.ref)).toEqual(['commit:mall:oLegacy1']);
  });
});

describe('a paid order whose delivery is cut short (points + cash)', () => {
  const pay = (cloud: TestCloud, id: string) =>
    cloud.runner.invoke('mallpay', { returnCode: 'SUCCESS', resultCode: 'SUCCESS', outTradeNo: id, totalFee: 990, transactionId: `T-${id}` }, { SOURCE: 'wx_pay' }).then((r) => r.result as any);

  async function setUp(kind: 'physical' | 'cardCode') {
    const cloud = cloudWithTxTimeout(200);
    makeOperator(cloud, OPS);
    await member(cloud, 'oPay', 1000);
    await create(cloud, 'pc', kind === 'physical' ? 5 : 0, { cashFen: 990, kind, points: 200 });
    if (kind === 'cardCode') expect(await cloud.call('mall', { action: 'addCodes', id: 'pc', codes: ['PC-1', 'PC-2', 'PC-3'] }, OPS)).toMatchObject({ ok: true });
    const r = await redeem(cloud, 'pc', 'pay-cut-1', 'oPay', kind === 'physical' ? {} : { address: undefined });
    expect(r).toMatchObject({ ok: true, data: { order: { status: 'unpaid' } } });
    return { cloud, id: r.data.order.id as string, faults: intercept(cloud) };
  }

  test('dying before the commit: the order stays paying with its hold; the retried callback finishes it once', async () => {
    const { cloud, id, faults } = await setUp('physical');
    faults.die(isTxStart);
    const cut = await pay(cloud, id);
    expect(cut).toMatchObject({ errcode: 1 }); // no answer reached the platform: it retries
    expect(ordersOf(cloud, 'oPay', 'pc')[0]).toMatchObject({ status: 'paying', payment: { transactionId: `T-${id}` } });
    expect(account(cloud, 'oPay')).toMatchObject({ held: 200, spent: 0 });
    // The member's list still shows it (支付确认中) while it is being delivered.
    expect((await cloud.call('mall', { action: 'orders' }, 'oPay')).data.items).toMatchObject([{ id, status: 'paying' }]);
    expect(await pay(cloud, id)).toMatchObject({ errcode: 0, ok: true, order: { status: 'toShip' } });
    expect(await pay(cloud, id)).toMatchObject({ errcode: 0, ok: false, code: 'ORDER_STATE' });
    expect(account(cloud, 'oPay')).toMatchObject({ held: 0, spent: 200, balance: 800 });
    expect(entriesOf(cloud, 'oPay').filter((e) => e.type === 'spend')).toHaveLength(1);
    expect((cloud.engine.dump('outbox') as any[]).some((o) => o.api === 'cloudPay.refund')).toBe(false);
  });

  test('dying at the commit (transaction left open): the jobs sweep finishes it, a virtual item keeps its one code', async () => {
    const { cloud, id, faults } = await setUp('cardCode');
    faults.die(isTxCommit);
    expect(await pay(cloud, id)).toMatchObject({ errcode: 1 });
    expect(ordersOf(cloud, 'oPay', 'pc')[0]).toMatchObject({ status: 'paying' });
    const claimed = (cloud.engine.dump('mallCodes') as any[]).filter((c) => c.status === 'assigned');
    expect(claimed).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 250)); // the engine aborts the dead process's transaction
    expect((await tick(cloud, 1)).ordersResumed).toBe(0); // not stale yet: a callback may be finishing it
    expect((await tick(cloud, 3)).ordersResumed).toBe(1);
    const order = ordersOf(cloud, 'oPay', 'pc')[0];
    expect(order).toMatchObject({ status: 'completed', code: claimed[0].code });
    expect((cloud.engine.dump('mallCodes') as any[]).filter((c) => c.status === 'assigned')).toHaveLength(1);
    expect(account(cloud, 'oPay')).toMatchObject({ held: 0, spent: 200 });
  });

  test('two resumptions at once (a retried callback and another): one delivery, one code, the other code back in the pool', async () => {
    const { cloud, id, faults } = await setUp('cardCode');
    faults.die(isCodeClaim); // dies claiming the code
    expect(await pay(cloud, id)).toMatchObject({ errcode: 1 });
    expect(ordersOf(cloud, 'oPay', 'pc')[0]).toMatchObject({ status: 'paying' });
    const [a, b] = await Promise.all([pay(cloud, id), pay(cloud, id)]);
    expect([a.ok, b.ok]).toEqual([true, true]);
    const order = ordersOf(cloud, 'oPay', 'pc')[0];
    expect(order.status).toBe('completed');
    expect([a.order.code, b.order.code]).toEqual([order.code, order.code]);
    const assigned = (cloud.engine.dump('mallCodes') as any[]).filter((c) => c.status === 'assigned');
    expect(assigned.map((c) => c.code)).toEqual([order.code]);
    expect(account(cloud, 'oPay')).toMatchObject({ held: 0, spent: 200 });
  });

  test('the commit applied but its reply lost: the order carries the code, which stays sold; answered as delivered', async () => {
    const { cloud, id, faults } = await setUp('cardCode');
    faults.lose(isTxCommit);
    const reply = await pay(cloud, id);
    const order = ordersOf(cloud, 'oPay', 'pc')[0];
    expect(order).toMatchObject({ status: 'completed' });
    expect(assignedCodes(cloud).map((c) => c.code)).toEqual([order.code]); // not back in the pool to be sold again
    expect(reply).toMatchObject({ errcode: 0, ok: true, order: { status: 'completed', code: order.code } });
    expect(account(cloud, 'oPay')).toMatchObject({ held: 0, spent: 200 });
    expect(await pay(cloud, id)).toMatchObject({ errcode: 0, ok: false, code: 'ORDER_STATE' });
  });

  test('a delivery whose transaction conflicts after its hook ran, then answers another resumption\'s commit: that order and code stand, ours goes back', async () => {
    const { cloud, id, faults } = await setUp('cardCode');
    faults.die(isCodeClaim);
    expect(await pay(cloud, id)).toMatchObject({ errcode: 1 }); // paying, no code claimed
    // B, a retried callback, finds no code of the order and waits before claiming one.
    const bClaims = faults.pause(isCodeClaim);
    const b = pay(cloud, id);
    await bClaims.reached;
    // A, another, claims a code and runs its transaction up to the account's write: its hook has moved the order.
    const aAtAccount = faults.pause((action, p) => action === 'database.modifyDocument' && !!p.transactionId && p.collectionName === 'accounts');
    const a = pay(cloud, id);
    await aAtAccount.reached;
    // The account changes meanwhile: A's write conflicts, and the ledger runs A's transaction again.
    await cloud.engine.send('database.modifyDocument', { collectionName: 'accounts', queryType: 'WHERE', query: JSON.stringify({ _id: 'oPay' }), data: JSON.stringify({ $set: { touched: 1 } }), multi: false, merge: true, upsert: false });
    const aAgain = faults.pause(isTxStart);
    aAtAccount.release();
    await aAgain.reached;
    // B claims another code and delivers first; A's second run finds the hold committed and answers B's entry.
    bClaims.release();
    const bReply = await b;
    expect(bReply).toMatchObject({ errcode: 0, ok: true, order: { status: 'completed' } });
    aAgain.release();
    const aReply = await a;
    const order = ordersOf(cloud, 'oPay', 'pc')[0];
    expect(order.code).toBe(bReply.order.code);
    expect(aReply).toMatchObject({ errcode: 0, ok: true, order: { status: 'completed', code: order.code } });
    expect(assignedCodes(cloud).map((c) => c.code)).toEqual([order.code]);
    expect(account(cloud, 'oPay')).toMatchObject({ held: 0, spent: 200 });
    expect(entriesOf(cloud, 'oPay').filter((e) => e.type === 'spend')).toHaveLength(1);
  });

  test('contention (CONFLICT) leaves the paid order paying with its hold, neither cancelled nor refunded; a retry delivers it', async () => {
    const { cloud, id, faults } = await setUp('physical');
    const contention = new EngineError(TRANSACTION_CONFLICT, 'database transaction conflict: injected contention');
    faults.fail((action, p) => action === 'database.getDocument' && !!p.transactionId && p.collectionName === 'holds', contention, Infinity);
    expect(await pay(cloud, id)).toMatchObject({ errcode: 1 }); // the ledger gave up (CONFLICT): the platform retries
    faults.clear();
    expect(ordersOf(cloud, 'oPay', 'pc')[0]).toMatchObject({ status: 'paying' });
    expect(account(cloud, 'oPay')).toMatchObject({ held: 200, spent: 0 });
    expect((cloud.engine.dump('outbox') as any[]).some((o) => o.api === 'cloudPay.refund')).toBe(false);
    expect(await pay(cloud, id)).toMatchObject({ errcode: 0, ok: true, order: { status: 'toShip' } });
    expect(account(cloud, 'oPay')).toMatchObject({ held: 0, spent: 200 });
  });

  test('one order failing in the sweep does not stop it: the others are resumed, that one on a later tick', async () => {
    const cloud = cloudWithTxTimeout(200);
    makeOperator(cloud, OPS);
    await member(cloud, 'oPay', 1000);
    await create(cloud, 'pc', 5, { cashFen: 990, points: 200 });
    const faults = intercept(cloud, ['mallpay', 'jobs']);
    for (const key of ['sweep-key-1', 'sweep-key-2']) {
      const r = await redeem(cloud, 'pc', key, 'oPay');
      faults.die(isTxStart);
      expect(await pay(cloud, r.data.order.id)).toMatchObject({ errcode: 1 });
    }
    expect(ordersOf(cloud, 'oPay', 'pc').map((o) => o.status)).toEqual(['paying', 'paying']);
    faults.fail(isTxStart, new Error('injected: the database is unreachable')); // the first order's delivery
    expect(await tick(cloud, 3)).toMatchObject({ ordersResumed: 1 });
    expect(ordersOf(cloud, 'oPay', 'pc').map((o) => o.status).sort()).toEqual(['paying', 'toShip']);
    expect(await tick(cloud, 4)).toMatchObject({ ordersResumed: 1 });
    expect(ordersOf(cloud, 'oPay', 'pc').map((o) => o.status)).toEqual(['toShip', 'toShip']);
    expect(account(cloud, 'oPay')).toMatchObject({ held: 0, spent: 400 });
  });

  test('a paid order that cannot be delivered (the pool ran dry) is cancelled and refunded exactly once', async () => {
    const cloud = createTestCloud();
    makeOperator(cloud, OPS);
    await member(cloud, 'oPay', 1000);
    await member(cloud, 'oPay2', 1000); // two members: one member's second try would be led to the first unpaid order
    await create(cloud, 'pc', 0, { cashFen: 990, kind: 'cardCode', points: 200 });
    expect(await cloud.call('mall', { action: 'addCodes', id: 'pc', codes: ['ONLY-1', 'ONLY-2'] }, OPS)).toMatchObject({ ok: true });
    const a = await redeem(cloud, 'pc', 'pool-dry-1', 'oPay', { address: undefined });
    const b = await redeem(cloud, 'pc', 'pool-dry-2', 'oPay2', { address: undefined });
    // Both unpaid; a third party takes a code meanwhile (an operator test, say): one left for two.
    await cloud.engine.send('database.modifyDocument', { collectionName: 'mallCodes', queryType: 'WHERE', query: JSON.stringify({ code: 'ONLY-2' }), data: JSON.stringify({ $set: { status: 'assigned', order: 'elsewhere' } }), multi: true, merge: true, upsert: false });
    expect(await pay(cloud, a.data.order.id)).toMatchObject({ ok: true, order: { status: 'completed', code: 'ONLY-1' } });
    expect(await pay(cloud, b.data.order.id)).toMatchObject({ errcode: 0, ok: false, code: 'SOLD_OUT' });
    const refunds = (cloud.engine.dump('outbox') as any[]).filter((o) => o.api === 'cloudPay.refund' && o.payload.outTradeNo === b.data.order.id);
    expect(refunds).toHaveLength(1);
    expect(ordersOf(cloud, 'oPay2', 'pc').find((o) => o._id === b.data.order.id)).toMatchObject({ status: 'cancelled', returned: true });
    expect(account(cloud, 'oPay')).toMatchObject({ held: 0, spent: 200, balance: 800 });
    expect(account(cloud, 'oPay2')).toMatchObject({ held: 0, spent: 0, balance: 1000 });
  });
});

describe('the checkout: the record commits with its hold, and moves with its spend', () => {
  const brand = (cloud: TestCloud, data: Record<string, unknown>) =>
    cloud.runner.invoke('checkout', { ...data, secret: LOCAL_CHECKOUT_SECRET }, { SOURCE: 'wx_http' }).then((r) => r.result as any);
  const HOLD = { action: 'hold', brandOrderId: 'SO-CUT-1', member: 'oBrand', amountFen: 2990, points: 1400 };
  /** The record added inside the hold's transaction. */
  const isRecordWrite: Match = (action, p) => action === 'database.insertDocument' && p.collectionName === 'checkoutOrders';

  async function setUp() {
    const cloud = cloudWithTxTimeout(200);
    makeOperator(cloud, OPS);
    await member(cloud, 'oBrand', 5000);
    return { cloud, faults: intercept(cloud) };
  }

  test.each([
    ['its transaction start', isTxStart],
    ['the record write', isRecordWrite],
    ['its transaction commit', isTxCommit],
  ])('a hold killed at %s leaves neither the record nor an open hold; a retry of the brand order holds once', async (_at, at) => {
    const { cloud, faults } = await setUp();
    faults.die(at);
    expect(await brand(cloud, HOLD)).toMatchObject({ ok: false });
    await new Promise((r) => setTimeout(r, 250)); // the engine aborts the dead process's transaction
    expect(cloud.engine.openTransactions).toBe(0);
    expect(cloud.engine.dump('checkoutOrders')).toEqual([]);
    expect((cloud.engine.dump('holds') as any[]).filter((h) => h.status === 'open')).toEqual([]);
    expect(account(cloud, 'oBrand')).toMatchObject({ balance: 5000, held: 0 });
    expect(await brand(cloud, HOLD)).toMatchObject({ ok: true, data: { status: 'held', points: 1400 } });
    expect(await brand(cloud, HOLD)).toMatchObject({ ok: true, data: { status: 'held', points: 1400 } });
    expect(account(cloud, 'oBrand')).toMatchObject({ balance: 5000, held: 1400 });
    expect(cloud.engine.dump('holds')).toMatchObject([{ _id: 'checkout:SO-CUT-1', status: 'open', amount: 1400 }]);
    expect(cloud.engine.dump('checkoutOrders')).toMatchObject([{ _id: 'SO-CUT-1', status: 'held' }]);
  });

  test('a commit whose reply is lost has moved the record already; its retry answers committed, spending once', async () => {
    const { cloud, faults } = await setUp();
    expect(await brand(cloud, HOLD)).toMatchObject({ ok: true });
    faults.lose(isTxCommit);
    expect(await brand(cloud, { action: 'commit', brandOrderId: 'SO-CUT-1' })).toMatchObject({ ok: false });
    expect(cloud.engine.dump('checkoutOrders')).toMatchObject([{ status: 'committed' }]);
    expect(await brand(cloud, { action: 'commit', brandOrderId: 'SO-CUT-1' })).toMatchObject({ ok: true, data: { status: 'committed' } });
    expect(account(cloud, 'oBrand')).toMatchObject({ balance: 3600, held: 0, spent: 1400 });
  });
});
