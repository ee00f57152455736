// The demo catalog's pictures (issue 14 §5): drawn by local/seed/images.ts as SVG, named by the seed
// on every item and product it creates, answered by the local server — drawings of the thing, not
// its name on a gradient.
import { startLocalCloud, type LocalCloud } from '../../local/cloud';
import { DEMO_IMAGES, demoImage } from '../../local/seed/images';

let cloud: LocalCloud;
beforeAll(async () => {
  cloud = await startLocalCloud({ dataDir: null, port: 0 });
});
afterAll(async () => {
  await cloud.close();
});

test('every seeded mall item and scanned product names a picture the server answers with an SVG drawing', async () => {
  const items = cloud.engine.dump('mallItems') as { _id: string; images: string[] }[];
  const products = cloud.engine.dump('products') as { _id: string; image: string }[];
  expect(items.length).toBeGreaterThanOrEqual(5);
  expect(products.length).toBeGreaterThanOrEqual(2);
  const urls = [...items.map((i) => i.images[0]), ...products.map((p) => p.image)];
  for (const url of urls) {
    expect(url).toMatch(/^\/api\/local\/demo-images\/[a-z0-9-]+\.svg$/);
    const res = await fetch(`${cloud.url}${url}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/svg+xml');
    const svg = await res.text();
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    // A drawing: many shapes (paths, ellipses, rects), not a caption on a gradient.
    expect((svg.match(/<(path|ellipse|rect|circle)\b/g) ?? []).length).toBeGreaterThanOrEqual(8);
  }
});

test('only the drawn pictures are answered; nothing else is reachable through the route', async () => {
  expect(Object.keys(DEMO_IMAGES).length).toBeGreaterThanOrEqual(7);
  expect(demoImage('tea-cup.svg')).toContain('<svg');
  for (const bad of ['nope.svg', '..%2Fpackage.json', 'tea-cup.png', 'TEA-CUP.svg']) {
    expect(demoImage(decodeURIComponent(bad))).toBeNull();
    expect((await fetch(`${cloud.url}/api/local/demo-images/${bad}`)).status).toBe(404);
  }
});
