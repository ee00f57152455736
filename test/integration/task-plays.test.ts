// 任务中心 shows the game plays a task gives next to its points (issue 12: plays granted by tasks):
// the task view names the game while it is open, and not once it has ended (it would give none).
import { createTestCloud, makeOperator } from '../helpers/cloud';
import { OPS, pool, publishPool } from './play-fixtures';
import { taskRewardText, claimToastText } from '../../src/utils/earn';

const cacheMsBefore = process.env.CODES_CACHE_MS;
beforeAll(() => void (process.env.CODES_CACHE_MS = '0'));
afterAll(() => {
  if (cacheMsBefore === undefined) delete process.env.CODES_CACHE_MS;
  else process.env.CODES_CACHE_MS = cacheMsBefore;
});

test('a task that gives plays shows them with the game\'s name; an ended game\'s plays are not promised', async () => {
  const cloud = createTestCloud();
  makeOperator(cloud, OPS);
  await cloud.call('user', { action: 'login' }, 'oA');
  expect(await publishPool(cloud, 'wheel1', pool({ game: 'wheel', entry: { points: 10, freePerDay: 0, sources: ['task'] } }), { name: '幸运大转盘' })).toMatchObject({ ok: true });
  for (const c of [
    { id: 't-reg-plays', name: '注册送抽奖', rule: { event: 'register', period: 'once', target: 1, points: 10, claim: 'button', plays: { pool: 'wheel1', n: 2 } } },
    { id: 't-plain', name: '完善资料', rule: { event: 'profile', period: 'once', target: 1, points: 20, claim: 'button' } },
  ]) {
    expect(await cloud.call('admin', { action: 'createCampaign', kind: 'task', ...c }, OPS)).toMatchObject({ ok: true });
    expect(await cloud.call('admin', { action: 'publishCampaign', id: c.id }, OPS)).toMatchObject({ ok: true });
  }
  const view = async (id: string) => (await cloud.call('earn', { action: 'tasks' }, 'oA')).data.items.find((t: any) => t.id === id);
  const t = await view('t-reg-plays');
  expect(t).toMatchObject({ points: 10, plays: { pool: 'wheel1', n: 2, name: '幸运大转盘' }, state: 'done' });
  expect(taskRewardText(t)).toBe('+10 积分 + 2 次「幸运大转盘」机会');
  expect(taskRewardText(await view('t-plain'))).toBe('+20 积分');
  const claimed = await cloud.call('earn', { action: 'claimTask', id: 't-reg-plays' }, 'oA');
  expect(claimed).toMatchObject({ ok: true, data: { points: 10, plays: 2 } });
  expect(claimToastText(claimed.data)).toBe('领取成功 +10 积分，获得 2 次游戏机会');
  expect(claimToastText({ points: 20, plays: 0 })).toBe('领取成功 +20 积分');

  // The game ends: the task no longer promises its plays (a grant to an ended pool gives none).
  expect(await cloud.call('admin', { action: 'endCampaign', id: 'wheel1' }, OPS)).toMatchObject({ ok: true });
  const after = await view('t-reg-plays');
  expect(after.plays).toEqual({ pool: 'wheel1', n: 2 });
  expect(taskRewardText(after)).toBe('+10 积分');
});
