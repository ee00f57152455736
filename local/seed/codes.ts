// Demo one-item-one-code data: two products with trace data, a scan campaign with a budget (kind
// scan, published through `admin`), an active batch of 20 codes (the first 10 sold in 浙江, the
// rest anywhere); the batches the personas' past scans came from (安吉白茶 made two months before,
// and 高山云雾绿茶 under 秋茶品鉴季, whose points all lapse on one day soon: local/seed/history.ts);
// and, once that past is written, two of today's scans of code #0 (claimed by carol; bob's from
// outside the region). All through the real `codes`, `admin` and `points` functions as the demo
// operator. The codes depend on this data directory's secret (.data/code-secrets); `codes.export`
// (CSV) lists them — the e2e test and a human use that.
import type { Runner } from '../runtime/runner';
import { pretty } from '../../cloudfunctions/common/codes/format';
import { shanghaiDay, shanghaiDayStart } from '../../cloudfunctions/common/time';
import { atTime } from './clock';
import { PERSONAS, SETUP_DAYS_AGO } from './personas';
import { GUANGZHOU, HANGZHOU } from './places';
import { demoImageUrl } from './images';

export const DEMO_BATCH = 'demo-tea-2611';
/** 安吉白茶 of an earlier production run: the cans the personas scanned weeks ago. */
export const EARLY_BATCH = 'demo-tea-early';
/** 高山云雾绿茶 under the 秋茶品鉴季 campaign. */
export const AUTUMN_BATCH = 'demo-yunwu-autumn';
export const AUTUMN_CAMPAIGN = 'autumn-tea';

const DAY = 86_400_000;

/** The current batch's printed number (AJ-<year>-<month>-B, from its production run four weeks before the seed). */
export const demoBatchNo = (seededAt = new Date()) => `AJ-${shanghaiDay(+seededAt - 28 * DAY).slice(0, 7)}-B`;

export async function seedCodes(runner: Runner, now = new Date()): Promise<void> {
  if (runner.engine.dump('codeBatches').some((b) => (b as { _id?: string })._id === DEMO_BATCH)) return;
  const ops = PERSONAS.find((p) => p.role === 'operator')!.openid;
  const call = async (fn: string, data: Record<string, unknown>) => {
    const { result } = await runner.callAsMember(fn, data, ops);
    const r = result as { ok: boolean; data?: any; code?: string };
    if (!r.ok) throw new Error(`seeding codes: ${fn}.${data.action} → ${JSON.stringify(r)}`);
    return r.data;
  };
  const daysAgo = (days: number) => new Date(+now - days * DAY);
  const dayBefore = (days: number) => shanghaiDay(daysAgo(days));
  const batch = async (id: string, product: string, campaign: string, batchNo: string, productionDate: string, size: number, provinces?: string[]) => {
    await call('codes', { action: 'createBatch', id, product, campaign, batchNo, productionDate, size });
    while ((await call('codes', { action: 'generate', batch: id })).status === 'generating');
    if (provinces) await call('codes', { action: 'assignRegion', batch: id, provinces, from: 0, to: 9 });
    await call('codes', { action: 'activate', batch: id });
  };
  // Each step on the day the brand did it (local/seed/clock.ts): the products and the year-round
  // campaign when the brand set up, each batch's codes the day before its production run.
  await atTime(daysAgo(SETUP_DAYS_AGO), async () => {
    await call('codes', { action: 'upsertProduct', id: 'anji-white', name: '安吉白茶·明前特级', image: demoImageUrl('anji-white'), spec: '250g 罐装', origin: '浙江·湖州·安吉', basePoints: 50 });
    await call('codes', { action: 'upsertProduct', id: 'yunwu-green', name: '高山云雾绿茶', image: demoImageUrl('yunwu-green'), spec: '125g 袋装', origin: '江西·庐山', basePoints: 20 });
    await call('points', { action: 'createBudget', id: 'scan-2611', campaign: 'scan-2611', cap: 100_000, shards: 8 });
    // A campaign of kind scan (docs/campaigns.md): created as a draft, then published as version 1.
    await call('admin', {
      action: 'createCampaign', id: 'scan-2611', kind: 'scan', name: '扫码有礼', budget: 'scan-2611',
      rule: { creditOutsideRegion: true, counterfeitThreshold: 5 }, caps: [{ period: 'day', unit: 'points', limit: 500 }],
    });
    await call('admin', { action: 'publishCampaign', id: 'scan-2611' });
  });
  // The can the personas scanned weeks ago.
  const early = dayBefore(75);
  await atTime(daysAgo(76), () => batch(EARLY_BATCH, 'anji-white', 'scan-2611', `AJ-${early.slice(0, 7)}-A`, early, 10));
  // 秋茶品鉴季: 80 points a bag of 云雾绿茶, every point of it valid until one day soon.
  const autumn = dayBefore(40);
  await atTime(daysAgo(41), async () => {
    await call('admin', {
      action: 'createCampaign', id: AUTUMN_CAMPAIGN, kind: 'scan', name: '秋茶品鉴季',
      rule: { pointsByProduct: { 'yunwu-green': 80 } }, caps: [{ period: 'day', unit: 'points', limit: 500 }], expiry: { kind: 'fixed', at: shanghaiDayStart(dayBefore(-6)).toISOString() },
    });
    await call('admin', { action: 'publishCampaign', id: AUTUMN_CAMPAIGN });
    await batch(AUTUMN_BATCH, 'yunwu-green', AUTUMN_CAMPAIGN, `YW-${autumn.slice(0, 7)}-Q`, autumn, 10);
  });
  // The current run, four weeks ago (before the oldest scan of it): its first ten codes sold in 浙江.
  await atTime(daysAgo(29), () => batch(DEMO_BATCH, 'anji-white', 'scan-2611', demoBatchNo(now), dayBefore(28), 20, ['33']));
}

/**
 * Something for the console's 码查询 and scan bars to show: carol claims code #0 in 杭州 (inside its
 * region), bob scans it in 广州 (outside: a diversion, and a counterfeit warning, the code being
 * carol's). Through the real scan; alice (whose balance the shopper tests count) is left alone.
 */
export async function seedScans(runner: Runner): Promise<void> {
  const [first] = (runner.engine.dump('codes') as { _id: string; batch: string; seq: number }[]).filter((c) => c.batch === DEMO_BATCH && c.seq === 0);
  const scan = async (persona: string, location: { latitude: number; longitude: number }) => {
    const { result } = await runner.callAsMember('codes', { action: 'scan', code: first._id, location }, PERSONAS.find((p) => p.id === persona)!.openid);
    if (!(result as { ok: boolean }).ok) throw new Error(`seeding a scan: ${JSON.stringify(result)}`);
  };
  await scan('carol', HANGZHOU);
  await scan('bob', GUANGZHOU);
}

/**
 * A few demo codes nobody has claimed yet, printed form (XXXX-XXXX-…), for the start-up banner: from
 * the batch's second half, sold anywhere, so a scan earns without the browser's location.
 */
export function unclaimedDemoCodes(runner: Runner, n = 3): string[] {
  return (runner.engine.dump('codes') as { _id: string; batch: string; seq: number; claimedBy?: string }[])
    .filter((c) => c.batch === DEMO_BATCH && c.seq >= 10 && !c.claimedBy)
    .sort((a, b) => a.seq - b.seq)
    .slice(0, n)
    .map((c) => pretty(c._id));
}

/** The H5 link that opens 扫码赚积分 with a code, as a printed QR code's link does in WeChat. */
export const scanLink = (appUrl: string, code: string) => `${appUrl}/?code=${code}`;
