// The code format: unguessable, checkable without a database, tamper-evident, forgiving of how
// people type it (docs/codes.md).
import {
  ALPHABET, CODE_LENGTH, codeFromText, makeCodes, normalise, parseKeys, pretty, SERIAL_CHARS, serialFrom, signSerial, verify,
} from '../../cloudfunctions/common/codes/format';
import { counterfeitSuspected, isCoordinate, provincesFor, queriedMessage } from '../../cloudfunctions/common/codes/rules';
import { PROVINCES, provinceAt } from '../../cloudfunctions/common/codes/regions';

const SECRET_A = 'a'.repeat(16) + 'unit-test-secret-one';
const SECRET_B = 'b'.repeat(16) + 'unit-test-secret-two';
const keys = parseKeys(`1:${SECRET_A}`);

describe('code format', () => {
  const codes = makeCodes(keys, 500);

  test('20 Crockford base32 characters: key id, 60-bit serial, MAC', () => {
    for (const c of codes) {
      expect(c).toHaveLength(CODE_LENGTH);
      expect([...c].every((ch) => ALPHABET.includes(ch))).toBe(true);
      expect(c[0]).toBe('1');
      expect(verify(c, keys)).toEqual({ ok: true, code: c, keyId: '1', serial: c.slice(1, 1 + SERIAL_CHARS) });
    }
    expect(new Set(codes).size).toBe(codes.length);
  });

  test('serials use all 60 bits: every character position takes many values', () => {
    for (let pos = 1; pos <= SERIAL_CHARS; pos++) expect(new Set(codes.map((c) => c[pos])).size).toBeGreaterThan(20);
    expect(serialFrom(Buffer.alloc(8, 0xff))).toBe('ZZZZZZZZZZZZ');
    expect(serialFrom(Buffer.alloc(8, 0))).toBe('000000000000');
  });

  test('the MAC depends on the key: same serial, other secret → different code', () => {
    const other = parseKeys(`1:${SECRET_B}`);
    const serial = codes[0].slice(1, 13);
    expect(signSerial(other, serial)).not.toBe(codes[0]);
    expect(verify(codes[0], other)).toMatchObject({ ok: false, problem: 'CODE_FORGED' });
  });

  test('changing any single character to any other symbol is detected', () => {
    for (const c of codes.slice(0, 40)) {
      for (let pos = 0; pos < CODE_LENGTH; pos++) {
        for (const sym of ALPHABET) {
          if (sym === c[pos]) continue;
          const tampered = c.slice(0, pos) + sym + c.slice(pos + 1);
          const r = verify(tampered, keys);
          expect(r.ok).toBe(false);
          expect(pos === 0 ? ['CODE_UNKNOWN_KEY', 'CODE_FORGED'] : ['CODE_FORGED']).toContain((r as any).problem);
        }
      }
    }
  });

  test('key rotation: codes under the old key still verify, new codes use the first key', () => {
    const rotated = parseKeys(`2:${SECRET_B},1:${SECRET_A}`);
    expect(verify(codes[0], rotated).ok).toBe(true);
    const fresh = makeCodes(rotated, 3);
    fresh.forEach((c) => expect(c[0]).toBe('2'));
    expect(verify(fresh[0], keys)).toMatchObject({ ok: false, problem: 'CODE_UNKNOWN_KEY' });
  });

  test('key configuration errors are loud', () => {
    expect(() => parseKeys('')).toThrow(/CODE_SECRETS/);
    expect(() => parseKeys('1:short')).toThrow(/32/);
    expect(() => parseKeys(`U:${SECRET_A}`)).toThrow(/base32/);
    expect(() => parseKeys(`1:${SECRET_A},1:${SECRET_B}`)).toThrow(/twice/);
  });
});

describe('normalisation', () => {
  const code = makeCodes(keys, 1)[0];

  test('case, spaces, hyphens, O/0, I/L/1 are forgiven', () => {
    expect(normalise(code.toLowerCase())).toEqual({ code });
    expect(normalise(pretty(code))).toEqual({ code });
    expect(normalise(` ${code.slice(0, 10)} ${code.slice(10)} `)).toEqual({ code });
    expect(normalise('O0IL1oil' + '0'.repeat(12))).toEqual({ code: '00111011' + '0'.repeat(12) });
    expect(verify(pretty(code).toLowerCase(), keys).ok).toBe(true);
  });

  test('distinct problems for empty, overlong and malformed input', () => {
    expect(normalise('')).toEqual({ problem: 'CODE_EMPTY' });
    expect(normalise(' - - ')).toEqual({ problem: 'CODE_EMPTY' });
    expect(normalise(code + '0')).toEqual({ problem: 'CODE_TOO_LONG' });
    expect(normalise('x'.repeat(65))).toEqual({ problem: 'CODE_TOO_LONG' });
    expect(normalise(code.slice(0, 19))).toEqual({ problem: 'CODE_MALFORMED' });
    expect(normalise(code.slice(0, 19) + 'U')).toEqual({ problem: 'CODE_MALFORMED' });
    expect(normalise(code.slice(0, 19) + '码')).toEqual({ problem: 'CODE_MALFORMED' });
    expect(normalise(code.slice(0, 19) + '*')).toEqual({ problem: 'CODE_MALFORMED' });
  });

  test('the code is found in the brand link, a ?code= URL, or bare', () => {
    expect(codeFromText(`https://q.example.com/q/${code}`)).toBe(code);
    expect(codeFromText(`https://q.example.com/q/${code}?from=print`)).toBe(code);
    expect(codeFromText(`http://127.0.0.1:3000/?code=${pretty(code)}#x`)).toBe(pretty(code));
    expect(codeFromText(`  ${code} `)).toBe(code);
  });
});

describe('scan rules', () => {
  // Points and the daily cap are the scan campaign's: test/unit/campaigns.test.ts.
  test('counterfeit suspicion: past the threshold or another member on a claimed code', () => {
    expect(counterfeitSuspected({ claimedBy: 'a', scans: 2 }, 'a', 5)).toBe(false);
    expect(counterfeitSuspected({ claimedBy: 'a', scans: 2 }, 'b', 5)).toBe(true);
    expect(counterfeitSuspected({ claimedBy: 'a', scans: 5 }, 'a', 5)).toBe(true);
    expect(counterfeitSuspected({ claimedBy: '', scans: 1 }, 'b', 5)).toBe(false);
  });

  test('regions by code range; the last matching range wins', () => {
    const regions = [{ from: 0, to: 99, provinces: ['33'] }, { from: 50, to: 59, provinces: ['44'] }];
    expect(provincesFor(regions, 10)).toEqual(['33']);
    expect(provincesFor(regions, 55)).toEqual(['44']);
    expect(provincesFor(regions, 100)).toEqual([]);
  });

  test('coordinates: numbers in range only', () => {
    expect(isCoordinate({ latitude: 30.27, longitude: 120.15 })).toBe(true);
    expect(isCoordinate({ latitude: 30.27, longitude: 120.15, accuracy: 30 })).toBe(true);
    for (const bad of [null, 'x', [], {}, { latitude: '30', longitude: 120 }, { latitude: 91, longitude: 0 }, { latitude: 0, longitude: 181 }, { latitude: NaN, longitude: 0 }, { latitude: 1, longitude: 2, openid: 'x' }]) {
      expect(isCoordinate(bad)).toBe(false);
    }
  });

  test('offline province lookup from the registry package', () => {
    expect(PROVINCES.length).toBeGreaterThanOrEqual(31);
    expect(provinceAt(30.27, 120.15)).toBe('33'); // 杭州 → 浙江
    expect(provinceAt(23.13, 113.26)).toBe('44'); // 广州 → 广东
    expect(provinceAt(39.9, 116.4)).toBe('11'); // 北京
    expect(provinceAt(48.85, 2.35)).toBe(''); // Paris
  });

  test('the count message uses Shanghai time', () => {
    expect(queriedMessage(3, new Date('2026-11-22T02:05:00Z'))).toBe('此码已被查询 3 次，首次查询时间 2026-11-22 10:05');
  });
});
