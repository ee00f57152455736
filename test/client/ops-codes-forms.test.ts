// The console's codes forms check on the page what the server checks, with the same words: each
// case goes through both (src/packages/ops/codes/forms.ts and cloudfunctions/common/codes/forms.ts).
import * as page from '../../src/packages/ops/codes/forms';
import * as server from '../../cloudfunctions/common/codes/forms';
import { PROVINCES } from '../../cloudfunctions/common/codes/regions';
import { seededRandom } from '../helpers/random';

const TODAY = '2026-11-29';
const known = new Set(PROVINCES.map((p) => p.code));
const product = { id: 'tea-1', name: '高山云雾', image: '', spec: '250g', origin: '浙江', basePoints: 20 };
const batch = { id: 'b-1', product: 'tea', campaign: '', batchNo: 'AJ-1', productionDate: '2026-11-01', size: 10 };
const SEED = Number(process.env.FORMS_SEED ?? Math.floor(Math.random() * 2 ** 31));
const rnd = seededRandom(SEED);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
const VALUES = ['', ' ', 'a b', 'x'.repeat(65), '茶'.repeat(41), '2026-02-30', '2027-11-29', '2027-11-30', '2098-01-01', 'https://x/y.png', 'ftp://a', 'cloud://e/f', -1, 0, 1.5, 100_000, 100_001, 1_000_000, 1_000_001, null, undefined, {}, ['33']];

test('product and batch forms: page and server agree field by field', () => {
  console.log(`FORMS_SEED=${SEED}`);
  for (let n = 0; n < 400; n++) {
    const p: Record<string, unknown> = { ...product, [pick(Object.keys(product))]: pick(VALUES) };
    expect({ p, r: page.productProblems(p) }).toEqual({ p, r: server.productProblems(p) });
    const b: Record<string, unknown> = { ...batch, [pick(Object.keys(batch))]: pick(VALUES) };
    expect({ b, r: page.batchProblems(b, TODAY) }).toEqual({ b, r: server.batchProblems(b, TODAY) });
  }
});

test('regions, ranges and codes: page and server agree', () => {
  const nums = [undefined, -1, 0, 3, 9, 10, 2.5];
  for (let n = 0; n < 300; n++) {
    const r = { provinces: pick([[], ['33'], ['33', '33'], ['99'], ['33', '44'], 'x']), from: pick(nums), to: pick(nums) };
    expect({ r, p: page.regionProblems(r, 10, known) }).toEqual({ r, p: server.regionProblems(r, 10) });
    const max = pick([Infinity, 5, 10]);
    expect({ r, max, p: page.rangeProblems(r, 10, max) }).toEqual({ r, max, p: server.rangeProblems(r, 10, max) });
  }
  for (const code of ['', '  ', '1XAJ-G639-WBAZ-X9HA-3ZGN', '1xaj g639 wbaz x9ha 3zgn', 'OIL0-G639-WBAZ-X9HA-3ZGN', 'UXAJ-G639-WBAZ-X9HA-3ZGN', '1XAJ', 'https://q.example.com/q/1XAJG639WBAZX9HA3ZGN', '1XAJ-G639-WBAZ-X9HA-3ZGN-1', '码'.repeat(20), 'x'.repeat(70), 'https://q.example.com/q/%E0%A4%A', 'https://q.example.com/q/1XAJ%2DG639WBAZX9HA3ZGN']) {
    expect({ code, p: page.codeProblems(code) }).toEqual({ code, p: server.codeProblems(code) });
  }
});
