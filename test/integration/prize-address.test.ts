// A physical mall item as a game prize (issue 12 §1, docs/play.md#a-physical-prize): publishing
// accepts it; the won draw waits (待填写地址) — no order, out of the sweep's way — until the member
// gives an address in 我的奖品 (play.prizeAddress); then it is a 0-point mall order shipping there.
import { createTestCloud, makeOperator, type TestCloud } from '../helpers/cloud';
import { account, drawsOf, member, OPS, pool, publishPool } from './play-fixtures';
import { ADDRESS, baseItem } from './mall-fixtures';

const cacheMsBefore = process.env.CODES_CACHE_MS;
beforeAll(() => void (process.env.CODES_CACHE_MS = '0'));
afterAll(() => {
  if (cacheMsBefore === undefined) delete process.env.CODES_CACHE_MS;
  else process.env.CODES_CACHE_MS = cacheMsBefore;
});

const drawOf = (cloud: TestCloud, p: string, clientKey: string, who: string) => cloud.call('play', { action: 'draw', pool: p, clientKey, pay: 'points' }, who);

test('a physical prize waits for the winner\'s address, then ships as a 0-point order; only the winner can give it, once', async () => {
  const cloud = createTestCloud();
  makeOperator(cloud, OPS);
  expect(await cloud.call('mall', { action: 'createItem', id: 'tea-pot', stock: 5, shards: 1, ...baseItem({ title: '紫砂茶壶', visible: false }) }, OPS)).toMatchObject({ ok: true });
  const rule = pool({ entry: { points: 10, freePerDay: 0, sources: [] }, prizes: [{ id: 'pot', name: '紫砂茶壶', kind: 'mallItem', item: 'tea-pot', costFen: 20000, count: 2, weight: 1 }, { id: 'none', name: '谢谢参与', kind: 'none', costFen: 0, count: null, weight: 0 }] });
  expect(await publishPool(cloud, 'ppot', rule)).toMatchObject({ ok: true });
  await member(cloud, 'oM', 100);
  await member(cloud, 'oX', 100);
  const orders = () => (cloud.engine.dump('mallOrders') as any[]).filter((o) => o.prize);

  const won = await drawOf(cloud, 'ppot', 'key-pot-0001', 'oM');
  expect(won).toMatchObject({ ok: true, data: { draw: { prize: { kind: 'mallItem', id: 'pot' }, state: '待填写地址', needsAddress: true } } });
  const key = won.data.draw.key;
  expect(orders()).toHaveLength(0);
  expect(account(cloud, 'oM').balance).toBe(90); // the play is paid; the prize is the member's, waiting
  // The sweep leaves it waiting (and a retry of the draw answers the same).
  expect(await cloud.call('play', { action: 'deliverStale', olderThanSeconds: 0 }, OPS)).toMatchObject({ ok: true, data: { delivered: 0 } });
  expect(await drawOf(cloud, 'ppot', 'key-pot-0001', 'oM')).toMatchObject({ ok: true, data: { draw: { key, state: '待填写地址' } } });
  expect((await cloud.call('play', { action: 'myPrizes' }, 'oM')).data.prizes[0]).toMatchObject({ key, state: '待填写地址', needsAddress: true });

  // Refusals write nothing: another member, a bad address, an unknown key.
  const before = JSON.stringify([cloud.engine.dump('draws'), cloud.engine.dump('mallOrders')]);
  expect(await cloud.call('play', { action: 'prizeAddress', key, address: ADDRESS }, 'oX')).toMatchObject({ ok: false, code: 'NOT_FOUND' });
  expect(await cloud.call('play', { action: 'prizeAddress', key, address: { ...ADDRESS, phone: '123' } }, 'oM')).toMatchObject({ ok: false, code: 'ADDRESS_INVALID' });
  expect(await cloud.call('play', { action: 'prizeAddress', key: 'draw:ppot:oM:key-none-0001', address: ADDRESS }, 'oM')).toMatchObject({ ok: false, code: 'NOT_FOUND' });
  expect(JSON.stringify([cloud.engine.dump('draws'), cloud.engine.dump('mallOrders')])).toBe(before);

  // The winner's address: a 0-point order shipping there; twice (or concurrently) is still one order.
  const given = await Promise.all([1, 2].map(() => cloud.call('play', { action: 'prizeAddress', key, address: ADDRESS }, 'oM')));
  for (const g of given) expect(g).toMatchObject({ ok: true, data: { draw: { key, state: '已发放（见我的订单）', needsAddress: false } } });
  expect(orders()).toEqual([expect.objectContaining({ member: 'oM', item: 'tea-pot', points: 0, cashFen: 0, status: 'toShip', prize: key, address: expect.objectContaining({ name: ADDRESS.name, phone: ADDRESS.phone }) })]);
  expect(drawsOf(cloud, 'ppot')[0]).toMatchObject({ status: 'fulfilled', deliveredAs: orders()[0]._id });
  expect(drawsOf(cloud, 'ppot')[0].address).toBeUndefined(); // kept on the order only
  expect(account(cloud, 'oM').balance).toBe(90);
  expect(await cloud.call('play', { action: 'prizeAddress', key, address: { ...ADDRESS, name: '别人' } }, 'oM')).toMatchObject({ ok: true, data: { draw: { state: '已发放（见我的订单）' } } });
  expect(orders()).toHaveLength(1);
});
