// One-item-one-code format (docs/codes.md). A code is 20 Crockford base32 characters:
//
//   K SSSSSSSSSSSS MMMMMMM
//   │ │            └ 7 chars = 35 bits: HMAC-SHA256(secret[K], K + serial), truncated
//   │ └ 12 chars = 60 random bits: the serial
//   └ 1 char: the key id, so secrets can rotate (old keys stay configured for verification)
//
// Verification is pure: no database read, only the secrets from the function's environment.
// 20 characters hold 100 bits; 60 random + a 5-bit key id leave 35 for the MAC (see docs/codes.md
// for why the guess probability still stays far below the 1 in 10,000 that GS1 asks for).
import { createHmac, randomBytes, type KeyObject, createSecretKey } from 'node:crypto';

export const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const CODE_LENGTH = 20;
export const SERIAL_CHARS = 12;
export const MAC_CHARS = 7;
/** Raw input longer than this is refused before normalising (a QR link plus the code fits easily). */
export const MAX_INPUT_LENGTH = 64;

const VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) {
  VALUE[ALPHABET.charCodeAt(i)] = i;
  VALUE[ALPHABET.toLowerCase().charCodeAt(i)] = i;
}
// Crockford's aliases: O → 0, I and L → 1.
for (const [alias, to] of [['O', 0], ['o', 0], ['I', 1], ['i', 1], ['L', 1], ['l', 1]] as const) VALUE[alias.charCodeAt(0)] = to;

export type CodeProblem = 'CODE_EMPTY' | 'CODE_TOO_LONG' | 'CODE_MALFORMED' | 'CODE_UNKNOWN_KEY' | 'CODE_FORGED';

export type Verified = { ok: true; code: string; keyId: string; serial: string } | { ok: false; problem: CodeProblem; code: string };

/**
 * What a person typed or a scanner read → canonical upper-case code, or a problem. Spaces and
 * hyphens are dropped, case folded, O/I/L read as 0/1. Anything else outside the alphabet
 * (including U) is malformed.
 */
export function normalise(input: string): { code: string } | { problem: 'CODE_EMPTY' | 'CODE_TOO_LONG' | 'CODE_MALFORMED' } {
  if (typeof input !== 'string') return { problem: 'CODE_MALFORMED' };
  if (input.length > MAX_INPUT_LENGTH) return { problem: 'CODE_TOO_LONG' };
  let out = '';
  for (let i = 0; i < input.length; i++) {
    const c = input.charCodeAt(i);
    if (c === 32 || c === 45 || c === 9 || c === 0x3000) continue; // space, hyphen, tab, ideographic space
    const v = c < 128 ? VALUE[c] : -1;
    if (v < 0) return { problem: 'CODE_MALFORMED' };
    out += ALPHABET[v];
  }
  if (!out) return { problem: 'CODE_EMPTY' };
  if (out.length > CODE_LENGTH) return { problem: 'CODE_TOO_LONG' };
  if (out.length < CODE_LENGTH) return { problem: 'CODE_MALFORMED' };
  return { code: out };
}

/** The code in a scanned text: a bare code, or the brand link `https://<domain>/q/<code>` (also `?code=`). */
export function codeFromText(text: string): string {
  const t = String(text ?? '').trim();
  const path = /\/q\/([^/?#]+)/.exec(t);
  if (path) return safeDecode(path[1]);
  const query = /[?&]code=([^&#]+)/.exec(t);
  if (query) return safeDecode(query[1]);
  return t;
}

/** A bad escape (`%E0`) is left as typed: the code check then calls it malformed. */
function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

// ---------------------------------------------------------------------------------------------
// Keys: CODE_SECRETS="<id>:<secret>,<id>:<secret>…" — the first is the one new codes are made with;
// every listed key verifies. An id is one base32 character; a secret at least 32 characters.

export interface CodeKeys {
  current: string;
  keys: Map<string, KeyObject>;
}

export function parseKeys(spec: string | undefined): CodeKeys {
  const keys = new Map<string, KeyObject>();
  let current = '';
  for (const part of String(spec ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    const at = part.indexOf(':');
    const id = part.slice(0, at).toUpperCase();
    const secret = part.slice(at + 1);
    if (at !== 1 || VALUE[id.charCodeAt(0)] < 0 || ALPHABET[VALUE[id.charCodeAt(0)]] !== id) throw new Error(`CODE_SECRETS: key id must be one base32 character, got "${part.slice(0, at)}"`);
    if (secret.length < 32) throw new Error(`CODE_SECRETS: secret for key ${id} must be at least 32 characters`);
    if (keys.has(id)) throw new Error(`CODE_SECRETS: key ${id} listed twice`);
    keys.set(id, createSecretKey(Buffer.from(secret, 'utf8')));
    if (!current) current = id;
  }
  if (!current) throw new Error('CODE_SECRETS is not set: the function environment must hold the code signing keys');
  return { current, keys };
}

let cached: { spec: string; keys: CodeKeys } | null = null;

/** The keys from the function environment (process.env.CODE_SECRETS), parsed once per value. */
export function envKeys(): CodeKeys {
  const spec = process.env.CODE_SECRETS ?? '';
  if (cached?.spec !== spec) cached = { spec, keys: parseKeys(spec) };
  return cached.keys;
}

function macChars(key: KeyObject, keyId: string, serial: string): string {
  const h = createHmac('sha256', key).update(keyId + serial).digest();
  // First 35 bits of the digest, as 7 base32 characters.
  const hi = h.readUInt32BE(0); // 32 bits
  const lo = h[4] >>> 5; // 3 more
  const bits = hi * 8 + lo; // < 2^35, exact in a double
  let out = '';
  for (let i = MAC_CHARS - 1; i >= 0; i--) out += ALPHABET[Math.floor(bits / 32 ** i) % 32];
  return out;
}

/** 12 base32 characters from 60 random bits. */
export function serialFrom(bytes: Buffer, offset = 0): string {
  // 8 bytes → take 60 bits: 30 from each half keeps the arithmetic in safe integers.
  const a = bytes.readUInt32BE(offset) >>> 2; // 30 bits
  const b = bytes.readUInt32BE(offset + 4) >>> 2; // 30 bits
  let out = '';
  for (let i = 5; i >= 0; i--) out += ALPHABET[(a >>> (5 * i)) & 31];
  for (let i = 5; i >= 0; i--) out += ALPHABET[(b >>> (5 * i)) & 31];
  return out;
}

export function signSerial(keys: CodeKeys, serial: string, keyId = keys.current): string {
  const key = keys.keys.get(keyId);
  if (!key) throw new Error(`no code key ${keyId}`);
  return keyId + serial + macChars(key, keyId, serial);
}

/** `n` new codes under the current key (random serials; the caller's unique _id catches repeats). */
export function makeCodes(keys: CodeKeys, n: number): string[] {
  const bytes = randomBytes(8 * n);
  const out = new Array<string>(n);
  for (let i = 0; i < n; i++) out[i] = signSerial(keys, serialFrom(bytes, 8 * i));
  return out;
}

/** Normalise and check the MAC: no database involved. */
export function verify(input: string, keys: CodeKeys): Verified {
  const n = normalise(input);
  if ('problem' in n) return { ok: false, problem: n.problem, code: '' };
  const code = n.code;
  const keyId = code[0];
  const key = keys.keys.get(keyId);
  if (!key) return { ok: false, problem: 'CODE_UNKNOWN_KEY', code };
  const serial = code.slice(1, 1 + SERIAL_CHARS);
  if (macChars(key, keyId, serial) !== code.slice(1 + SERIAL_CHARS)) return { ok: false, problem: 'CODE_FORGED', code };
  return { ok: true, code, keyId, serial };
}

/** Groups of four for print and display: `K3F9-…`. */
export const pretty = (code: string) => code.replace(/(.{4})(?=.)/g, '$1-');
