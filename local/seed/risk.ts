// Demo risk facts for 风控审核 (docs/risk.md), made through the real functions: three demo members
// (not personas, so the personas' balances stay as the other demos show them) — one claims a code
// two others then scan (counterfeit), one scans a 浙江 code in 广东 (diversion), one guesses codes
// until locked out (brute force), one earns far over the norm in a day (velocity: a ¥3,000 brand
// order whose points post today) — then the queue is built once so the page opens on cases.
import { envKeys, makeCodes } from '../../cloudfunctions/common/codes/format';
import { refreshCases } from '../../cloudfunctions/common/risk/queue';
import { LOCAL_ORDERS_SECRET } from '../runtime/identity';
import type { Runner } from '../runtime/runner';
import { PERSONAS } from './personas';
import { GUANGZHOU } from './places';
import { DEMO_BATCH } from './codes';

export const RISK_MEMBERS = [
  { openid: 'oLOCAL-member-zhao', nickname: '赵小七', phone: '13900001111' },
  { openid: 'oLOCAL-member-qian', nickname: '钱多多', phone: '' },
  { openid: 'oLOCAL-member-sun', nickname: '孙一鸣', phone: '13700002222' },
] as const;


export async function seedRisk(runner: Runner): Promise<void> {
  if (runner.engine.dump('riskCases').length) return;
  const call = async (fn: string, data: Record<string, unknown>, openid: string) => {
    const { result } = await runner.callAsMember(fn, data, openid);
    return result as { ok: boolean; data?: any; code?: string };
  };
  for (const m of RISK_MEMBERS) {
    await call('user', { action: 'login' }, m.openid);
    await call('user', { action: 'updateProfile', nickname: m.nickname, ...(m.phone ? { phone: m.phone } : {}) }, m.openid);
  }
  const [zhao, qian, sun] = RISK_MEMBERS.map((m) => m.openid);
  const codes = (runner.engine.dump('codes') as { _id: string; batch: string; seq: number }[])
    .filter((c) => c.batch === DEMO_BATCH)
    .sort((a, b) => a.seq - b.seq)
    .map((c) => c._id);
  // Counterfeit: code #16 (sold anywhere; #10–12 are the start banner's, #17–19 the dashboard's) claimed
  // by 赵小七, then scanned by 钱多多 and 孙一鸣.
  await call('codes', { action: 'scan', code: codes[16] }, zhao);
  await call('codes', { action: 'scan', code: codes[16] }, qian);
  await call('codes', { action: 'scan', code: codes[16] }, sun);
  // Diversion: a code sold in 浙江 (seq 0–9) scanned in 广东.
  await call('codes', { action: 'scan', code: codes[8], location: GUANGZHOU }, qian);
  // Brute force: six codes that fail verification.
  const forged = makeCodes(envKeys(), 6).map((c) => c.slice(0, 19) + (c[19] === '0' ? '1' : '0'));
  for (const code of forged) await call('codes', { action: 'scan', code }, sun);
  // Velocity: a ¥3,000 brand order, delivered past its 7-day return window, posts 3,000 points today
  // (the norm without roll-ups: 1,000), reported by the brand's server like any order (local/seed/orders.ts).
  const brand = async (data: Record<string, unknown>) => {
    const { result } = await runner.invoke('orders', { ...data, secret: LOCAL_ORDERS_SECRET }, { SOURCE: 'wx_http' });
    if (!(result as { ok?: boolean }).ok) throw new Error(`seeding a risk order: ${JSON.stringify(result)}`);
  };
  const at = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString();
  await brand({ action: 'paid', orderId: 'SO-20261101-0031', member: zhao, paidFen: 300_000, shippingFen: 0, items: [{ sku: 'tea-gift-box', category: 'tea', paidFen: 300_000 }], paidAt: at(11) });
  await brand({ action: 'delivered', orderId: 'SO-20261101-0031', deliveredAt: at(9) });
  const ops = PERSONAS.find((p) => p.role === 'operator')!.openid;
  const posted = await call('orders', { action: 'postDue' }, ops);
  if (!posted.ok) throw new Error(`seeding a risk order: ${JSON.stringify(posted)}`);
  await refreshCases(new Date());
}
