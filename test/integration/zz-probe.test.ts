import { startLocalCloud, type LocalCloud } from '../../local/cloud';
let cloud: LocalCloud;
beforeAll(async () => { cloud = await startLocalCloud({ dataDir: null, port: 0 }); });
afterAll(async () => { await cloud?.close(); });
test('cursors', async () => {
  const b = (s: string) => Buffer.from(s).toString('base64url');
  const cursors = [b('9007199254740991|x'), b('-9007199254740991|x'), b('8640000000000001|x'), b('1|'), b('0|x'), b('1|' + 'x'.repeat(200)), b('1e3|x'), b('1.5|x'), b('|x'), b('{"a":1}'), b('1|$gt'), '!!!!', b('8640000000000000|x')];
  for (const [fn, ev, who] of [['points', { action: 'history' }, 'oLOCAL-shopper-alice'], ['admin', { action: 'listMembers' }, 'oLOCAL-operator-ops'], ['mall', { action: 'items' }, 'oLOCAL-shopper-alice'], ['mall', { action: 'orders' }, 'oLOCAL-shopper-alice'], ['mall', { action: 'adminOrders' }, 'oLOCAL-operator-ops'], ['mall', { action: 'adminItems' }, 'oLOCAL-operator-ops']] as const) {
    for (const cursor of cursors) {
      const { result } = await cloud.runner.callAsMember(fn, { ...ev, cursor }, who) as any;
      console.log('CUR', fn, ev.action, Buffer.from(cursor, 'base64url').toString().slice(0, 30), JSON.stringify(result).slice(0, 120));
    }
  }
});
