#!/usr/bin/env node
// Draws the tab bar icons and the empty-state picture as PNGs into src/assets/ (no image tools or
// downloads needed). Re-run after changing a shape or colour: node config/scripts/generate-assets.js
const fs = require('node:fs')
const path = require('node:path')
const zlib = require('node:zlib')

const OUT = path.resolve(__dirname, '../../src/assets')

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})
function crc32(buf) {
  let c = 0xffffffff
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}
function chunk(type, data) {
  const len = Buffer.alloc(4)
  len.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([len, body, crc])
}
function png(width, height, rgba) {
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr[8] = 8 // bit depth
  ihdr[9] = 6 // RGBA
  const raw = Buffer.alloc((width * 4 + 1) * height)
  for (let y = 0; y < height; y++) {
    raw[y * (width * 4 + 1)] = 0 // filter: none
    rgba.copy(raw, y * (width * 4 + 1) + 1, y * width * 4, (y + 1) * width * 4)
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0))
  ])
}

const hex = h => [1, 3, 5].map(i => parseInt(h.slice(i, i + 2), 16))

/** layers: [{color, inside(x, y) → bool}] in unit coordinates, later layers on top; 4×4 supersampling. */
function draw(size, layers) {
  const S = 4
  const out = Buffer.alloc(size * size * 4)
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0, g = 0, b = 0, a = 0
      for (let sy = 0; sy < S; sy++) {
        for (let sx = 0; sx < S; sx++) {
          const x = (px + (sx + 0.5) / S) / size
          const y = (py + (sy + 0.5) / S) / size
          let c = null
          for (const layer of layers) if (layer.inside(x, y)) c = layer.color
          if (c && c !== 'clear') {
            const [cr, cg, cb] = hex(c)
            r += cr; g += cg; b += cb; a += 1
          }
        }
      }
      const i = (py * size + px) * 4
      if (a) {
        out[i] = Math.round(r / a); out[i + 1] = Math.round(g / a); out[i + 2] = Math.round(b / a)
        out[i + 3] = Math.round((255 * a) / (S * S))
      }
    }
  }
  return png(size, size, out)
}

const rect = (x0, y0, x1, y1) => (x, y) => x >= x0 && x <= x1 && y >= y0 && y <= y1
const roundRect = (x0, y0, x1, y1, r) => (x, y) => {
  if (!rect(x0, y0, x1, y1)(x, y)) return false
  const cx = Math.min(Math.max(x, x0 + r), x1 - r)
  const cy = Math.min(Math.max(y, y0 + r), y1 - r)
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r
}
const circle = (cx, cy, r) => (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r
const ellipse = (cx, cy, rx, ry) => (x, y) => ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1
const triangle = (ax, ay, bx, by, cx, cy) => (x, y) => {
  const s = (px, py, qx, qy) => (x - qx) * (py - qy) - (px - qx) * (y - qy)
  const d1 = s(ax, ay, bx, by), d2 = s(bx, by, cx, cy), d3 = s(cx, cy, ax, ay)
  return !((d1 < 0 || d2 < 0 || d3 < 0) && (d1 > 0 || d2 > 0 || d3 > 0))
}
const and = (...fs) => (x, y) => fs.every(f => f(x, y))
const not = f => (x, y) => !f(x, y)

const ICONS = {
  home: color => [
    { color, inside: triangle(0.5, 0.1, 0.06, 0.5, 0.94, 0.5) },
    { color, inside: roundRect(0.18, 0.42, 0.82, 0.9, 0.05) },
    { color: 'clear', inside: roundRect(0.41, 0.6, 0.59, 0.92, 0.04) }
  ],
  mall: color => [
    { color, inside: and(circle(0.5, 0.34, 0.21), not(circle(0.5, 0.34, 0.14)), (x, y) => y <= 0.34) },
    { color, inside: roundRect(0.14, 0.32, 0.86, 0.9, 0.08) },
    { color: 'clear', inside: circle(0.36, 0.46, 0.04) },
    { color: 'clear', inside: circle(0.64, 0.46, 0.04) }
  ],
  me: color => [
    { color, inside: circle(0.5, 0.3, 0.18) },
    { color, inside: and(ellipse(0.5, 0.92, 0.36, 0.36), (x, y) => y <= 0.9) }
  ]
}

const EMPTY = [
  { color: '#f2f3f5', inside: circle(0.5, 0.5, 0.46) },
  { color: '#d9d9d9', inside: roundRect(0.3, 0.2, 0.7, 0.76, 0.04) },
  { color: '#ffffff', inside: roundRect(0.32, 0.22, 0.68, 0.74, 0.03) },
  { color: '#d9d9d9', inside: roundRect(0.39, 0.34, 0.61, 0.37, 0.015) },
  { color: '#d9d9d9', inside: roundRect(0.39, 0.44, 0.61, 0.47, 0.015) },
  { color: '#d9d9d9', inside: roundRect(0.39, 0.54, 0.53, 0.57, 0.015) }
]

fs.mkdirSync(path.join(OUT, 'tabbar'), { recursive: true })
for (const [name, layers] of Object.entries(ICONS)) {
  fs.writeFileSync(path.join(OUT, 'tabbar', `${name}.png`), draw(81, layers('#7d7e80')))
  fs.writeFileSync(path.join(OUT, 'tabbar', `${name}-active.png`), draw(81, layers('#fa2c19')))
}
fs.writeFileSync(path.join(OUT, 'empty.png'), draw(240, EMPTY))
console.log('wrote', path.relative(process.cwd(), OUT))
