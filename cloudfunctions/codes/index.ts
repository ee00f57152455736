// codes: one-item-one-code (docs/codes.md). Members scan; operators manage products, campaigns
// and batches (create, generate in chunks, region, activate, void, export) and watch risk and stats.
import { z } from 'zod';
import { action, defineFunction } from '../common/handler';
import { COLLECTIONS as C } from '../common/codes/model';
import { instantInput } from '../common/inputs';
import { assignRegion, batchDetail, createBatch, createProduct, generate, getBatch, listBatches, listProducts, progressOf, riskSummary, setStatus, upsertProduct } from '../common/codes/batches';
import { lookupCode } from '../common/codes/lookup';
import { assertValid, codeProblems } from '../common/codes/forms';
import { migrateLegacyCampaigns, upsertScanCampaign } from '../common/codes/legacy';
import { exportBatch } from '../common/codes/export';
import { listPayouts, processDuePayouts, simulateFailures } from '../common/codes/redpackets';
import { PROVINCES } from '../common/codes/regions';
import { pruneCounters } from '../common/codes/limits';
import { scan } from '../common/codes/scan';
import { scanStats } from '../common/codes/stats';
import { redPacketSchema } from '../common/campaigns/rules/scan';

const id = z.string().regex(/^[\w\-]{1,64}$/, 'letters, digits, _ and - only');
const text = (max: number) => z.string().trim().max(max);
const expiry = z.union([
  z.object({ kind: z.literal('rolling'), days: z.number().int().min(1).max(3650) }).strict(),
  z.object({ kind: z.literal('yearEnd'), yearsAfter: z.number().int().min(0).max(5).optional() }).strict(),
  z.object({ kind: z.literal('fixed'), at: instantInput() }).strict(),
]);
// Form fields: the type here, the content in forms.ts (Chinese reasons next to the field).
const field = z.string().max(1000);
const number = z.number();
const productInput = z
  .object({ id: field, name: field, image: field.optional(), spec: field.optional(), origin: field.optional(), basePoints: number })
  .strict();
const cursor = z.string().min(1).max(200).optional();
const limit = z.number().int().min(1).max(100).default(20);

export const main = defineFunction({
  name: 'codes',
  // config.json timer `payouts` (every minute): red packet payouts due for a (re)try, and rate-limit
  // counters of windows long past.
  onTimer: async (event) => {
    const now = new Date(event.Time);
    return { ...(await processDuePayouts(now)), countersRemoved: await pruneCounters(now) };
  },
  actions: {
    scan: action({
      auth: 'member',
      // The code and location are checked by the service so each problem has its own error code.
      input: z.object({ code: z.string().max(4096), location: z.unknown().optional() }).strict(),
      run: (i, { caller }) => scan({ openid: caller.openid, clientIp: caller.clientIp }, i),
    }),
    provinces: action({
      auth: 'member',
      input: z.object({}).strict(),
      run: async () => ({ provinces: PROVINCES }),
    }),

    upsertProduct: action({
      auth: 'operator',
      audit: { target: (i) => ({ collection: C.products, id: i.id.trim() }) },
      input: productInput,
      run: (i) => upsertProduct(i),
    }),
    createProduct: action({
      auth: 'operator',
      audit: { target: (i) => ({ collection: C.products, id: i.id.trim() }) },
      input: productInput,
      run: (i) => createProduct(i),
    }),
    // Kept for existing callers: saves the fields as the scan campaign's next version and publishes
    // it (docs/campaigns.md; new callers use the admin function's campaign actions).
    upsertCampaign: action({
      auth: 'operator',
      input: z
        .object({
          id,
          name: text(40).min(1),
          pointsByProduct: z.record(id, z.number().int().min(0).max(100_000)).optional(), // keyed by product id
          multipliers: z.array(z.object({ from: instantInput(), to: instantInput(), factor: z.number().min(1).max(10) }).strict()).max(20).optional(),
          dailyCap: z.number().int().min(0).max(1_000_000).optional(),
          budget: id.optional(),
          expiry: expiry.optional(),
          creditOutsideRegion: z.boolean().optional(),
          counterfeitThreshold: z.number().int().min(1).max(1000).optional(),
          redPacket: redPacketSchema.optional(),
        })
        .strict(),
      run: ({ id: _id, ...c }, { caller }) => upsertScanCampaign({ _id, ...c }, caller.openid),
    }),
    migrateCampaigns: action({
      auth: 'operator',
      input: z.object({}).strict(),
      run: (_i, { caller }) => migrateLegacyCampaigns(caller.openid),
    }),
    createBatch: action({
      auth: 'operator',
      audit: { target: (i) => ({ collection: C.batches, id: i.id.trim() }) },
      input: z.object({ id: field, product: field, campaign: field.optional(), batchNo: field, productionDate: field, size: z.unknown() }).strict(),
      run: (i, { caller }) => createBatch({ ...i, operator: caller.openid }),
    }),
    // Audited without a target: its before/after (the progress) is in the reply; two reads per call saved.
    generate: action({
      auth: 'operator',
      input: z.object({ batch: id, maxChunks: z.number().int().min(1).max(1000).optional() }).strict(),
      run: (i) => generate(i.batch, { maxChunks: i.maxChunks }),
    }),
    progress: action({
      auth: 'operator', role: 'viewer',
      input: z.object({ batch: id }).strict(),
      run: async (i) => progressOf(await getBatch(i.batch)),
    }),
    batches: action({
      auth: 'operator', role: 'viewer',
      input: z.object({ cursor, limit }).strict(),
      run: (i) => listBatches(i.cursor, i.limit),
    }),
    batch: action({
      auth: 'operator', role: 'viewer',
      input: z.object({ batch: id }).strict(),
      run: (i) => batchDetail(i.batch),
    }),
    products: action({
      auth: 'operator', role: 'viewer',
      input: z.object({ cursor, limit }).strict(),
      run: (i) => listProducts(i.cursor, i.limit),
    }),
    lookup: action({
      auth: 'operator', role: 'viewer',
      input: z.object({ code: field }).strict(),
      run: (i) => {
        assertValid(codeProblems(i.code));
        return lookupCode(i.code);
      },
    }),
    assignRegion: action({
      auth: 'operator',
      audit: { target: (i) => ({ collection: C.batches, id: i.batch }) },
      input: z.object({ batch: id, provinces: z.array(field).max(40), from: number.optional(), to: number.optional() }).strict(),
      run: (i) => assignRegion(i.batch, i.provinces, { from: i.from, to: i.to }),
    }),
    activate: action({
      auth: 'operator',
      audit: { target: (i) => ({ collection: C.batches, id: i.batch }) },
      input: z.object({ batch: id }).strict(),
      run: async (i) => progressOf(await setStatus(i.batch, 'active')),
    }),
    void: action({
      auth: 'operator',
      audit: { target: (i) => ({ collection: C.batches, id: i.batch }) },
      input: z.object({ batch: id }).strict(),
      run: async (i) => progressOf(await setStatus(i.batch, 'void')),
    }),
    export: action({
      auth: 'operator',
      input: z.object({ batch: id, format: z.enum(['csv', 'pdf']), from: number.optional(), to: number.optional() }).strict(),
      run: (i) => exportBatch(i.batch, i.format, { from: i.from, to: i.to }),
    }),
    risk: action({
      auth: 'operator', role: 'viewer',
      input: z.object({ kind: z.enum(['counterfeit', 'diversion', 'bruteforce']).optional() }).strict(),
      run: (i) => riskSummary(i.kind),
    }),
    payouts: action({
      auth: 'operator', role: 'viewer',
      input: z.object({ status: z.enum(['pending', 'retry', 'paid', 'failed']).optional() }).strict(),
      run: (i) => listPayouts(i.status),
    }),
    simulatePayoutFailures: action({
      auth: 'operator',
      input: z.object({ count: z.number().int().min(0).max(100) }).strict(),
      run: (i) => simulateFailures(i.count),
    }),
    stats: action({
      auth: 'operator', role: 'viewer',
      input: z.object({ batch: id }).strict(),
      run: (i) => scanStats(i.batch),
    }),
  },
});
