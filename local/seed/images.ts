// Pictures of the demo catalog and products, drawn here as SVG (nothing can be downloaded): a
// celadon cup, a tin of 龙井, a travel tea set, a store drink card, a purple-clay pot, a bag of
// 安吉白茶 and one of 云雾绿茶. The local server answers GET /api/local/demo-images/<name>.svg with
// them (local only: a real brand uploads photos to cloud storage and stores their file ids), and
// the seed names those addresses on the items and products it creates.
//   npx tsx local/seed/images.ts <dir>   writes every picture as a file, to look at or reuse.
import fs from 'node:fs';
import path from 'node:path';

const W = 600;
const H = 600;

/** A picture: the scene on a soft two-tone backdrop with a table line and a shadow. */
function frame(bg: [string, string], body: string, shadow = { cx: 300, cy: 470, rx: 190, ry: 26 }): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}">
<defs>
  <linearGradient id="bg" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${bg[0]}"/><stop offset="1" stop-color="${bg[1]}"/></linearGradient>
  <radialGradient id="shade" cx="0.5" cy="0.5" r="0.5"><stop offset="0" stop-color="#000" stop-opacity="0.22"/><stop offset="1" stop-color="#000" stop-opacity="0"/></radialGradient>
</defs>
<rect width="${W}" height="${H}" fill="url(#bg)"/>
<rect y="440" width="${W}" height="160" fill="#000" opacity="0.04"/>
<ellipse cx="${shadow.cx}" cy="${shadow.cy}" rx="${shadow.rx}" ry="${shadow.ry}" fill="url(#shade)"/>
${body}
</svg>`;
}

/** A leaf sprig, for decoration (x, y: the stem's base; s: scale; r: rotation). */
const leaf = (x: number, y: number, s: number, r: number, fill = '#6f9a4e') =>
  `<g transform="translate(${x} ${y}) rotate(${r}) scale(${s})"><path d="M0 0 C 18 -30 60 -40 90 -30 C 62 -6 30 6 0 0 Z" fill="${fill}"/><path d="M0 0 C 30 -14 58 -22 88 -29" stroke="#fff" stroke-opacity="0.45" stroke-width="2" fill="none"/></g>`;

const steam = (x: number, y: number) =>
  `<g fill="none" stroke="#fff" stroke-width="6" stroke-linecap="round" opacity="0.75"><path d="M${x} ${y} c -18 -22 18 -38 0 -62 c -14 -18 10 -32 0 -48"/><path d="M${x + 40} ${y + 6} c -16 -20 16 -34 0 -56 c -12 -16 8 -28 0 -42"/></g>`;

/** 山野青瓷茶杯: a celadon cup on its saucer, tea inside, steam above. */
function teaCup(): string {
  return frame(
    ['#f4efe6', '#e8dfcf'],
    `<defs><linearGradient id="glaze" x1="0" x2="1"><stop offset="0" stop-color="#9cc4b2"/><stop offset="0.45" stop-color="#c9e2d6"/><stop offset="1" stop-color="#86b19e"/></linearGradient></defs>
<ellipse cx="300" cy="452" rx="190" ry="34" fill="#b7d5c7"/><ellipse cx="300" cy="446" rx="170" ry="26" fill="#cfe5db"/>
<path d="M150 270 C 160 380 220 440 300 440 C 380 440 440 380 450 270 Z" fill="url(#glaze)"/>
<ellipse cx="300" cy="270" rx="150" ry="34" fill="#a9ccbc"/><ellipse cx="300" cy="272" rx="134" ry="26" fill="#c8a55a"/>
<ellipse cx="300" cy="276" rx="120" ry="20" fill="#d8b96c" opacity="0.8"/>
<path d="M180 300 C 192 370 230 410 270 424" stroke="#fff" stroke-opacity="0.5" stroke-width="10" fill="none" stroke-linecap="round"/>
${steam(280, 220)}${leaf(470, 430, 0.9, -30)}${leaf(120, 440, 0.7, -160, '#7ea85c')}`,
  );
}

/** 明前龙井 50g: a round tea tin with a paper label and loose leaves beside it. */
function longjingTin(): string {
  return frame(
    ['#eef3e8', '#dfe8d4'],
    `<defs><linearGradient id="tin" x1="0" x2="1"><stop offset="0" stop-color="#3f6b45"/><stop offset="0.5" stop-color="#5f9066"/><stop offset="1" stop-color="#355c3b"/></linearGradient></defs>
<rect x="190" y="170" width="220" height="290" rx="16" fill="url(#tin)"/>
<ellipse cx="300" cy="460" rx="110" ry="18" fill="#2f5234"/>
<rect x="182" y="140" width="236" height="58" rx="14" fill="#b89a5a"/><ellipse cx="300" cy="140" rx="118" ry="18" fill="#d2b676"/>
<rect x="214" y="240" width="172" height="150" rx="8" fill="#f6f0e1"/>
<text x="300" y="318" text-anchor="middle" font-family="serif" font-size="64" fill="#3f6b45" font-weight="700">龙井</text>
<text x="300" y="362" text-anchor="middle" font-family="serif" font-size="24" fill="#8a6d3b">明前 · 50g</text>
${leaf(120, 470, 0.8, -20)}${leaf(150, 480, 0.6, -60, '#86ad63')}${leaf(470, 470, 0.7, -150)}${leaf(440, 482, 0.55, -120, '#86ad63')}`,
  );
}

/** 旅行茶具套装: a small pot, two cups and the cloth case they travel in. */
function travelSet(): string {
  return frame(
    ['#f3ede4', '#e4d9c8'],
    `<rect x="70" y="300" width="200" height="150" rx="22" fill="#7b5b3f"/><rect x="70" y="300" width="200" height="46" rx="22" fill="#8e6b4c"/>
<rect x="160" y="330" width="20" height="30" rx="6" fill="#d9c29a"/>
<path d="M320 300 C 320 250 360 220 410 220 C 460 220 500 250 500 300 C 500 370 460 420 410 420 C 360 420 320 370 320 300 Z" fill="#f7f3ec" stroke="#cbbfae" stroke-width="4"/>
<path d="M500 280 C 550 270 560 330 512 350" stroke="#cbbfae" stroke-width="14" fill="none" stroke-linecap="round"/>
<path d="M326 300 C 290 290 270 260 262 240" stroke="#cbbfae" stroke-width="16" fill="none" stroke-linecap="round"/>
<ellipse cx="410" cy="222" rx="52" ry="12" fill="#e9e1d3"/><circle cx="410" cy="204" r="12" fill="#cbbfae"/>
<path d="M360 310 C 380 300 440 300 460 310" stroke="#5b8aa6" stroke-width="6" fill="none"/>
<path d="M300 440 C 304 470 320 480 350 480 C 380 480 396 470 400 440 Z" fill="#f7f3ec" stroke="#cbbfae" stroke-width="4"/>
<path d="M420 440 C 424 470 440 480 470 480 C 500 480 516 470 520 440 Z" fill="#f7f3ec" stroke="#cbbfae" stroke-width="4"/>
<ellipse cx="350" cy="440" rx="50" ry="9" fill="#d8b96c"/><ellipse cx="470" cy="440" rx="50" ry="9" fill="#d8b96c"/>`,
    { cx: 300, cy: 486, rx: 250, ry: 22 },
  );
}

/** 门店茶饮兑换卡: a gift card with a cup of milk tea on it. */
function drinkCard(): string {
  return frame(
    ['#fbeee8', '#f2dcd2'],
    `<defs><linearGradient id="card" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#c0392b"/><stop offset="1" stop-color="#8e2a20"/></linearGradient></defs>
<g transform="rotate(-8 300 300)">
<rect x="100" y="170" width="400" height="250" rx="26" fill="url(#card)"/>
<rect x="100" y="350" width="400" height="22" fill="#000" opacity="0.12"/>
<text x="136" y="230" font-family="sans-serif" font-size="30" fill="#fbe3c2" font-weight="700">山野茶事</text>
<text x="136" y="268" font-family="sans-serif" font-size="22" fill="#fbe3c2" opacity="0.85">茶饮兑换卡</text>
<path d="M370 220 L 440 220 L 430 330 C 428 342 420 348 408 348 L 402 348 C 390 348 382 342 380 330 Z" fill="#f5e6cc"/>
<rect x="364" y="208" width="82" height="16" rx="6" fill="#fbe3c2"/>
<path d="M412 208 L 432 170" stroke="#fbe3c2" stroke-width="8" stroke-linecap="round"/>
<circle cx="394" cy="318" r="7" fill="#5b3a1e"/><circle cx="414" cy="326" r="7" fill="#5b3a1e"/><circle cx="404" cy="306" r="7" fill="#5b3a1e"/>
<text x="136" y="400" font-family="monospace" font-size="22" fill="#fbe3c2" opacity="0.8">NO. 0001 2026</text>
</g>`,
  );
}

/** 紫砂小壶: a purple-clay teapot. */
function zishaPot(): string {
  return frame(
    ['#f1ebe6', '#e2d6cc'],
    `<defs><radialGradient id="clay" cx="0.4" cy="0.35" r="0.7"><stop offset="0" stop-color="#9a5a44"/><stop offset="1" stop-color="#5c2f22"/></radialGradient></defs>
<path d="M160 300 C 120 280 96 250 92 222" stroke="#6e3a2a" stroke-width="26" fill="none" stroke-linecap="round"/>
<path d="M440 280 C 520 260 530 380 450 392" stroke="#6e3a2a" stroke-width="22" fill="none" stroke-linecap="round"/>
<ellipse cx="300" cy="340" rx="160" ry="120" fill="url(#clay)"/>
<ellipse cx="300" cy="236" rx="98" ry="20" fill="#6e3a2a"/><path d="M220 236 C 230 200 370 200 380 236 Z" fill="#7c4331"/>
<circle cx="300" cy="196" r="18" fill="#7c4331"/>
<ellipse cx="300" cy="452" rx="110" ry="14" fill="#4d271c"/>
<path d="M200 300 C 220 270 260 256 300 254" stroke="#fff" stroke-opacity="0.25" stroke-width="10" fill="none" stroke-linecap="round"/>
${leaf(470, 460, 0.7, -150)}`,
  );
}

/** A bag of tea (products scanned): a stand-up pouch in the given colours with its name. */
function teaBag(colour: string, light: string, name: string, sub: string): string {
  return frame(
    ['#f2f2ea', '#e2e2d4'],
    `<path d="M200 130 L 400 130 L 420 450 C 420 462 410 470 398 470 L 202 470 C 190 470 180 462 180 450 Z" fill="${colour}"/>
<rect x="200" y="120" width="200" height="30" rx="6" fill="${light}"/>
<path d="M200 170 L 400 170" stroke="#fff" stroke-opacity="0.35" stroke-width="3" stroke-dasharray="8 6"/>
<rect x="220" y="230" width="160" height="170" rx="10" fill="#fbf8ef"/>
<text x="300" y="300" text-anchor="middle" font-family="serif" font-size="36" fill="${colour}" font-weight="700">${name}</text>
<text x="300" y="344" text-anchor="middle" font-family="serif" font-size="22" fill="#8a6d3b">${sub}</text>
${leaf(262, 380, 0.5, -30)}${leaf(300, 384, 0.5, -150, '#86ad63')}${leaf(480, 470, 0.7, -150)}${leaf(110, 470, 0.7, -30, '#86ad63')}`,
  );
}

/** Every picture by name (the file is `<name>.svg`). */
export const DEMO_IMAGES: Record<string, () => string> = {
  'tea-cup': teaCup,
  'longjing-50g': longjingTin,
  'travel-set': travelSet,
  'drink-card': drinkCard,
  'flash-zisha': zishaPot,
  'anji-white': () => teaBag('#5f8f6a', '#cfe0c4', '安吉白茶', '明前特级 · 250g'),
  'yunwu-green': () => teaBag('#2f6f7a', '#bcd9dc', '云雾绿茶', '高山 · 125g'),
};

/** The address the local server answers a picture at (what the seed stores on items and products). */
export const demoImageUrl = (name: string) => `/api/local/demo-images/${name}.svg`;

/** The SVG for `<name>.svg`, or null. */
export function demoImage(file: string): string | null {
  const m = /^([a-z0-9-]+)\.svg$/.exec(file);
  const draw = m ? DEMO_IMAGES[m[1]] : undefined;
  return draw ? draw() : null;
}

if (require.main === module) {
  const dir = path.resolve(process.argv[2] ?? 'demo-images');
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, draw] of Object.entries(DEMO_IMAGES)) fs.writeFileSync(path.join(dir, `${name}.svg`), draw());
  console.log(`wrote ${Object.keys(DEMO_IMAGES).length} pictures to ${dir}`);
}
