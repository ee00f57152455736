// The review task (issue 11 §2, docs/orders.md#reviews, docs/earn.md#tasks): the brand's order system
// reports `reviewed` through `orders` with its secret; a review task counts those facts — one per
// order, any review, never its rating or content (refused by name), idempotent by the review id.
import { createTestCloud, makeOperator, type TestCloud } from '../helpers/cloud';
import { LOCAL_ORDERS_SECRET } from '../../local/runtime/identity';

const OPS = 'oOps';
const cacheMsBefore = process.env.CODES_CACHE_MS;
beforeAll(() => void (process.env.CODES_CACHE_MS = '0'));
afterAll(() => {
  if (cacheMsBefore === undefined) delete process.env.CODES_CACHE_MS;
  else process.env.CODES_CACHE_MS = cacheMsBefore;
});

const brand = (cloud: TestCloud, data: Record<string, unknown>, secret: string | null = LOCAL_ORDERS_SECRET) =>
  cloud.runner.invoke('orders', { ...data, ...(secret === null ? {} : { secret }) }, { SOURCE: 'wx_http' }).then((r) => r.result as any);

async function ok(cloud: TestCloud, fn: string, data: Record<string, unknown>, openid = OPS) {
  const r = await cloud.call(fn, data, openid);
  if (!r.ok) throw new Error(`${fn}.${data.action}: ${JSON.stringify(r)}`);
  return r.data;
}

const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();
const paid = (orderId: string, member: string) => ({ action: 'paid', orderId, member, paidFen: 5000, shippingFen: 0, items: [{ sku: 'tea', category: 'tea', paidFen: 5000 }], paidAt: hoursAgo(48) });
const review = (reviewId: string, orderId: string, member: string, extra: Record<string, unknown> = {}) => ({ action: 'reviewed', reviewId, orderId, member, reviewedAt: hoursAgo(1), ...extra });
const facts = (cloud: TestCloud) => JSON.stringify([cloud.engine.dump('orderReviews'), cloud.engine.dump('ledger')]);

describe('review task', () => {
  let cloud: TestCloud;
  beforeAll(async () => {
    cloud = createTestCloud();
    makeOperator(cloud, OPS);
    for (const m of ['oA', 'oB']) await cloud.call('user', { action: 'login' }, m);
    for (const [o, m] of [['SO-1', 'oA'], ['SO-2', 'oA'], ['SO-3', 'oB']]) expect(await brand(cloud, paid(o, m))).toMatchObject({ ok: true });
  });

  test('the operator can create and publish a review task; a rating condition is still refused', async () => {
    await ok(cloud, 'admin', { action: 'createCampaign', id: 't-review', kind: 'task', name: '评价 1 笔订单', rule: { event: 'review', period: 'once', target: 1, points: 15, claim: 'button' } });
    await ok(cloud, 'admin', { action: 'publishCampaign', id: 't-review' });
    const rated = await cloud.call('admin', { action: 'createCampaign', id: 't-good', kind: 'task', name: '好评', rule: { event: 'review', period: 'once', target: 1, points: 5, claim: 'auto', minRating: 4 } }, OPS);
    expect(rated).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
    expect(rated.message).toContain('不能以评分或评价内容为条件');
    const share = await cloud.call('admin', { action: 'createCampaign', id: 't-share', kind: 'task', name: '分享', rule: { event: 'share', period: 'day', target: 1, points: 5, claim: 'auto' } }, OPS);
    expect(share.message).toContain('诱导分享');
    const v = (await ok(cloud, 'earn', { action: 'tasks' }, 'oA')).items.find((t: any) => t.id === 't-review');
    expect(v).toMatchObject({ event: 'review', eventLabel: '评价订单', page: '/packages/points/ledger/index', progress: 0, state: 'todo' });
  });

  test('a rating or content is refused by name, and bad reports write nothing', async () => {
    const before = facts(cloud);
    for (const extra of [{ rating: 5 }, { content: '很好喝' }, { stars: 1 }, { images: ['a.jpg'] }]) {
      const r = await brand(cloud, review('RV-x', 'SO-1', 'oA', extra));
      expect(r).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
      expect(r.message).toContain('评价奖励不得以评分或内容为条件');
    }
    expect(await brand(cloud, review('RV-x', 'SO-1', 'oA'), null)).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' });
    expect(await brand(cloud, review('RV-x', 'SO-1', 'oA'), 'wrong')).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await cloud.call('orders', review('RV-x', 'SO-1', 'oA'), 'oA')).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await brand(cloud, review('RV-x', 'SO-9', 'oA'))).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    expect(await brand(cloud, review('RV-x', 'SO-3', 'oA'))).toMatchObject({ ok: false, code: 'BAD_REQUEST' }); // oB's order
    expect(await brand(cloud, review('RV-x', 'SO-1', 'oA', { reviewedAt: hoursAgo(72) }))).toMatchObject({ ok: false, code: 'BAD_REQUEST' }); // before payment
    expect(await brand(cloud, review('RV-x', 'SO-1', 'oA', { reviewedAt: new Date(Date.now() + 3_600_000).toISOString() }))).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
    expect(facts(cloud)).toBe(before);
    expect((await ok(cloud, 'earn', { action: 'tasks' }, 'oA')).items.find((t: any) => t.id === 't-review')).toMatchObject({ progress: 0, state: 'todo' });
    expect(await cloud.call('earn', { action: 'claimTask', id: 't-review' }, 'oA')).toMatchObject({ ok: false, code: 'TASK_NOT_COMPLETED' });
  });

  test('a reported review makes the task claimable once; the same review id again (or concurrently) counts once; other content is IDEMPOTENCY_MISMATCH', async () => {
    const first = review('RV-1', 'SO-1', 'oA');
    const replies = await Promise.all([brand(cloud, first), brand(cloud, first), brand(cloud, first)]);
    for (const r of replies) expect(r).toMatchObject({ ok: true, data: { reviewId: 'RV-1', orderId: 'SO-1', counts: true } });
    expect(replies.filter((r) => !r.data.replayed)).toHaveLength(1);
    expect(await brand(cloud, { ...first, orderId: 'SO-2' })).toMatchObject({ ok: false, code: 'IDEMPOTENCY_MISMATCH' });
    // A follow-up review (追评) of the same order is recorded but does not count again.
    expect(await brand(cloud, review('RV-1b', 'SO-1', 'oA'))).toMatchObject({ ok: true, data: { counts: false } });
    const stored = cloud.engine.dump('orderReviews') as any[];
    expect(stored.filter((d) => d.counts === true)).toHaveLength(1);
    expect(JSON.stringify(stored)).not.toMatch(/rating|content|很好喝/);

    expect((await ok(cloud, 'earn', { action: 'tasks' }, 'oA')).items.find((t: any) => t.id === 't-review')).toMatchObject({ progress: 1, state: 'done' });
    const claims = await Promise.all([1, 2, 3].map(() => cloud.call('earn', { action: 'claimTask', id: 't-review' }, 'oA')));
    expect(claims.filter((c) => c.ok)).toEqual([expect.objectContaining({ data: expect.objectContaining({ points: 15 }) })]);
    expect(claims.filter((c) => !c.ok).map((c) => c.code)).toEqual(['TASK_CLAIMED', 'TASK_CLAIMED']);
    expect(cloud.engine.dump('ledger').filter((e: any) => e.member === 'oA' && e.source?.kind === 'task')).toEqual([expect.objectContaining({ _id: 'task:oA:t-review:once', amount: 15 })]);
    // Another member's review does not count for oA; oB's counts for oB.
    expect((await ok(cloud, 'earn', { action: 'tasks' }, 'oB')).items.find((t: any) => t.id === 't-review')).toMatchObject({ progress: 0 });
    await brand(cloud, review('RV-3', 'SO-3', 'oB'));
    expect((await ok(cloud, 'earn', { action: 'tasks' }, 'oB')).items.find((t: any) => t.id === 't-review')).toMatchObject({ progress: 1, state: 'done' });
  });
});
