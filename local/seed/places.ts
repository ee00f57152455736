// Where the demo's scans happen (the browser's coordinates; the scan keeps only the province).
export type Place = { latitude: number; longitude: number };
export const HANGZHOU: Place = { latitude: 30.27, longitude: 120.15 }; // 浙江
export const SHANGHAI: Place = { latitude: 31.19, longitude: 121.44 }; // 上海
export const GUANGZHOU: Place = { latitude: 23.13, longitude: 113.26 }; // 广东
