// The user function through the real wx-server-sdk and the local engine.
import { createTestCloud, type TestCloud } from '../helpers/cloud';

const COLLECTIONS = ['members', 'accounts', 'admins', 'metricsDaily', 'jobRuns'];
const snapshot = (cloud: TestCloud) => JSON.stringify(COLLECTIONS.map((c) => cloud.engine.dump(c)));

describe('user.login', () => {
  let cloud: TestCloud;
  beforeEach(() => {
    cloud = createTestCloud();
  });

  test('first login creates the member and a zero account; a repeat finds them with one database request', async () => {
    const first = await cloud.call('user', { action: 'login' }, 'oA');
    expect(first.ok).toBe(true);
    expect(first.data.created).toBe(true);
    expect(first.data.member.openid).toBe('oA');
    expect(first.data.member.nickname).toMatch(/^会员[0-9A-F]{4}$/);
    expect(first.data.points).toEqual({ balance: 0, held: 0, debt: 0 });
    expect(first.data.isOperator).toBe(false);

    const again = await cloud.callCounted('user', { action: 'login' }, 'oA');
    expect(again.reply.data.created).toBe(false);
    expect(again.reply.data.member).toEqual(first.data.member);
    expect(again.dbRequests).toBe(1);
    expect(cloud.engine.count('members')).toBe(1);
    expect(cloud.engine.count('accounts')).toBe(1);
  });

  test('concurrent first logins of one member create exactly one member and one account', async () => {
    const replies = await Promise.all(Array.from({ length: 25 }, () => cloud.call('user', { action: 'login' }, 'oRace')));
    expect(replies.every((r) => r.ok)).toBe(true);
    expect(replies.filter((r) => r.data.created)).toHaveLength(1);
    expect(new Set(replies.map((r) => r.data.member.createdAt)).size).toBe(1);
    expect(cloud.engine.count('members')).toBe(1);
    expect(cloud.engine.count('accounts')).toBe(1);
  });

  test('concurrent calls of different members never see each other’s identity', async () => {
    const ids = Array.from({ length: 60 }, (_, i) => `oMember${i}`);
    const replies = await Promise.all(ids.map((id) => cloud.call('user', { action: 'login' }, id)));
    replies.forEach((r, i) => expect(r.data.member.openid).toBe(ids[i]));
    expect(cloud.engine.count('members')).toBe(60);
  });

  test('identity comes from the context, never from the event', async () => {
    const spoofed = await cloud.runner.invoke(
      'user',
      { action: 'login', userInfo: { appId: 'x', openId: 'oVictim' } },
      { OPENID: 'oReal', APPID: 'wxlocal', SOURCE: 'wx_client' },
    );
    expect((spoofed.result as any).data.member.openid).toBe('oReal');
    const before = snapshot(cloud);
    const withField = await cloud.call('user', { action: 'login', openid: 'oVictim' }, 'oReal');
    expect(withField).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
    expect(snapshot(cloud)).toBe(before);
  });

  test('a call without a member identity is UNAUTHENTICATED and writes nothing', async () => {
    const { result } = await cloud.runner.invoke('user', { action: 'login' }, { SOURCE: 'wx_http' });
    expect(result).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' });
    expect(cloud.engine.count('members')).toBe(0);
  });
});

describe('user profile', () => {
  let cloud: TestCloud;
  beforeEach(async () => {
    cloud = createTestCloud();
    await cloud.call('user', { action: 'login' }, 'oP');
  });

  test('getProfile returns the member and points', async () => {
    const r = await cloud.call('user', { action: 'getProfile' }, 'oP');
    expect(r).toMatchObject({ ok: true, data: { member: { openid: 'oP', phone: '' }, points: { balance: 0 }, isOperator: false } });
  });

  test('getProfile before login is NOT_FOUND', async () => {
    expect(await cloud.call('user', { action: 'getProfile' }, 'oNobody')).toMatchObject({ ok: false, code: 'NOT_FOUND' });
  });

  test('updateProfile changes nickname and phone, trimming the nickname', async () => {
    const r = await cloud.call('user', { action: 'updateProfile', nickname: '  茶友阿明 ', phone: '13800138000' }, 'oP');
    expect(r).toMatchObject({ ok: true, data: { member: { nickname: '茶友阿明', phone: '13800138000' } } });
    const cleared = await cloud.call('user', { action: 'updateProfile', phone: '' }, 'oP');
    expect(cleared.data.member).toMatchObject({ nickname: '茶友阿明', phone: '' });
  });

  test.each([
    [{ nickname: '' }, 'nickname'],
    [{ nickname: '   ' }, 'nickname'],
    [{ nickname: '<script>' }, 'nickname'],
    [{ nickname: 42 }, 'nickname'],
    [{ phone: '12345' }, 'phone'],
    [{ phone: '23800138000' }, 'phone'],
    [{ phone: 13800138000 }, 'phone'],
    [{}, 'nothing to update'],
    [{ nickname: 'ok', avatar: 'x' }, 'avatar'],
  ])('updateProfile %j is BAD_REQUEST naming %s, and changes nothing', async (fields, named) => {
    const before = snapshot(cloud);
    const r = await cloud.call('user', { action: 'updateProfile', ...fields }, 'oP');
    expect(r.ok).toBe(false);
    expect(r.code).toBe('BAD_REQUEST');
    expect(r.message).toContain(named);
    expect(snapshot(cloud)).toBe(before);
  });

  test.each([['一二三四五六七八九十一二三四五六七八九十多'], ['😀'.repeat(21)]])('a nickname over 20 characters (%s) is TEXT_TOO_LONG, not cut, and changes nothing', async (nickname) => {
    const before = snapshot(cloud);
    const r = await cloud.call('user', { action: 'updateProfile', nickname }, 'oP');
    expect(r).toMatchObject({ ok: false, code: 'TEXT_TOO_LONG', message: expect.stringContaining('nickname') });
    expect(snapshot(cloud)).toBe(before);
  });

  test('20 emoji are 20 characters: accepted whole', async () => {
    const r = await cloud.call('user', { action: 'updateProfile', nickname: '😀'.repeat(20) }, 'oP');
    expect(r).toMatchObject({ ok: true, data: { member: { nickname: '😀'.repeat(20) } } });
    await cloud.call('user', { action: 'updateProfile', nickname: '茶友阿明' }, 'oP');
  });

  test('updateProfile before login is NOT_FOUND and creates nothing', async () => {
    expect(await cloud.call('user', { action: 'updateProfile', nickname: 'x' }, 'oNobody')).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    expect(cloud.engine.count('members')).toBe(1);
  });
});

describe('malformed events', () => {
  const cloud = createTestCloud();
  const id = { OPENID: 'oM', APPID: 'wxlocal', SOURCE: 'wx_client' };

  test.each([
    ['a string', 'hello', 'BAD_REQUEST'],
    ['an array', [1, 2], 'BAD_REQUEST'],
    ['no action', {}, 'BAD_REQUEST'],
    ['a numeric action', { action: 7 }, 'BAD_REQUEST'],
    ['an unknown action', { action: 'dropDatabase' }, 'UNKNOWN_ACTION'],
    ['a prototype key as action', { action: 'constructor' }, 'UNKNOWN_ACTION'],
    ['a timer-shaped event from a member', { Type: 'Timer', TriggerName: 'daily' }, 'BAD_REQUEST'],
  ])('%s → %s, nothing written', async (_name, event, code) => {
    const { result } = await cloud.runner.invoke('user', event, id);
    expect(result).toMatchObject({ ok: false, code });
    expect(typeof (result as any).message).toBe('string');
    expect(cloud.engine.count('members')).toBe(0);
  });
});
