// The pure rules of personal information (cloudfunctions/common/privacy/rules.ts), the ledger's
// pseudonym rewrite, and the guide agreeing with the app config (docs/privacy.md).
import { maskAddress, maskName, maskPhone, maySeePersonal, previewClosure, retentionCutoff, roleOf } from '../../cloudfunctions/common/privacy/rules';
import { swapDeep } from '../../cloudfunctions/common/ledger/pseudonymise';
import { COLLECTED, PURPOSE_TEXT } from '../../src/privacy/guide';
import fs from 'node:fs';
import path from 'node:path';

test('phones, names and addresses are masked', () => {
  expect(maskPhone('13812341234')).toBe('138****1234');
  expect(maskPhone('')).toBe('');
  expect(maskPhone('12345')).toBe('1***5');
  expect(maskName('林小雨')).toBe('林**');
  expect(maskName('王')).toBe('王*');
  expect(maskAddress({ name: '林小雨', phone: '13800138000', province: '浙江省', city: '杭州市', district: '西湖区', detail: '龙井路 1 号' })).toEqual({
    name: '林**', phone: '138****8000', province: '浙江省', city: '杭州市', district: '***', detail: '****',
  });
  expect(maskAddress(null)).toBeNull();
});

test('roles: default operator; only the owner sees personal data', () => {
  expect(roleOf(null)).toBe('operator');
  expect(roleOf({})).toBe('operator');
  expect(roleOf({ role: 'root' })).toBe('operator');
  expect(roleOf({ role: 'owner' })).toBe('owner');
  expect(roleOf({ role: 'viewer' })).toBe('viewer');
  expect(['owner', 'operator', 'viewer'].map((r) => maySeePersonal(r as any))).toEqual([true, false, false]);
});

test('closure preview: open things block first, then the mustBeZero policy; forfeit is the live points', () => {
  const base = { policy: 'forfeit' as const, balance: 100, held: 0, live: 80, openOrders: 0, openHolds: 0, openOther: 0 };
  expect(previewClosure(base)).toEqual({ policy: 'forfeit', balance: 100, forfeit: 80, blocked: null });
  expect(previewClosure({ ...base, openOrders: 1, policy: 'mustBeZero' }).blocked).toBe('ORDERS_OPEN');
  expect(previewClosure({ ...base, held: 5 }).blocked).toBe('ORDERS_OPEN');
  expect(previewClosure({ ...base, openOther: 1 }).blocked).toBe('ORDERS_OPEN');
  expect(previewClosure({ ...base, policy: 'mustBeZero' }).blocked).toBe('POINTS_NOT_ZERO');
  expect(previewClosure({ ...base, policy: 'mustBeZero', live: 0 }).blocked).toBeNull();
  expect(previewClosure({ ...base, balance: -20, live: 0 }).forfeit).toBe(0);
});

test('retention cutoffs', () => {
  const now = new Date('2026-11-29T00:00:00Z');
  expect(retentionCutoff('riskEvents', now).toISOString()).toBe('2026-06-02T00:00:00.000Z');
  expect(+retentionCutoff('rateLimits', now)).toBe(+now);
});

test('swapDeep replaces the OPENID in every string, keeps dates and numbers', () => {
  const at = new Date();
  const doc = { _id: 'expire:r1:oA', member: 'oA', lots: [{ lotId: 'lot:k:oA:1', amount: 3 }], createdAt: at, n: 1, other: 'oB' };
  const out = swapDeep(doc, 'oA', 'xP');
  expect(out).toEqual({ _id: 'expire:r1:xP', member: 'xP', lots: [{ lotId: 'lot:k:xP:1', amount: 3 }], createdAt: at, n: 1, other: 'oB' });
  expect(out.createdAt).toBeInstanceOf(Date);
});

test('the guide covers every privacy API the app config declares, with a consent text for each', () => {
  const config = fs.readFileSync(path.resolve(__dirname, '../../src/app.config.ts'), 'utf8');
  const declared = /requiredPrivateInfos:\s*\[([^\]]*)\]/.exec(config)![1].match(/'(\w+)'/g)!.map((s) => s.replace(/'/g, ''));
  const purposeOf: Record<string, string> = { getLocation: 'location', chooseAddress: 'address' };
  for (const api of declared) {
    expect({ api, purpose: purposeOf[api] }).toEqual({ api, purpose: expect.any(String) });
    expect(COLLECTED.some((c) => c.purpose === purposeOf[api])).toBe(true);
  }
  expect(config).toContain('__usePrivacyCheck__: true');
  for (const c of COLLECTED) if (c.purpose) expect(PURPOSE_TEXT[c.purpose].body.length).toBeGreaterThan(0);
});
