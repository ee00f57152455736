// Item pictures uploaded from the console: the page sends the file's bytes (base64, in chunks the
// event's string limit allows), and the server decides what it is from its first bytes — never from
// the name the browser or phone gave it — then stores it with cloud.uploadFile. The item keeps the
// fileID; pages turn it into an address (src/services/files.ts).
import { createHash } from 'node:crypto';
import { getCloud } from '../cloud';
import { MAX_STRING_LENGTH } from '../inputs';
import { invalid } from './fields';

/** Largest picture: an event carries ≤ 1 MB, and base64 adds a third. */
export const MAX_IMAGE_BYTES = 512 * 1024;
/** The page sends the base64 text in pieces of at most this many characters (the event's string limit). */
export const IMAGE_CHUNK_CHARS = MAX_STRING_LENGTH;

export type ImageType = 'jpg' | 'png' | 'gif' | 'webp';

/** The picture format its magic bytes announce, or null (a text file named .png is null). */
export function imageTypeOf(b: Uint8Array): ImageType | null {
  const at = (i: number, ...bytes: number[]) => bytes.every((x, k) => b[i + k] === x);
  if (b.length >= 8 && at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'png';
  if (b.length >= 4 && at(0, 0xff, 0xd8, 0xff)) return 'jpg';
  if (b.length >= 6 && (at(0, 0x47, 0x49, 0x46, 0x38, 0x37, 0x61) || at(0, 0x47, 0x49, 0x46, 0x38, 0x39, 0x61))) return 'gif';
  if (b.length >= 12 && at(0, 0x52, 0x49, 0x46, 0x46) && at(8, 0x57, 0x45, 0x42, 0x50)) return 'webp';
  return null;
}

const kb = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(n / 1024)} KB`);
const refuse = (reason: string): never => {
  throw invalid('images', reason);
};

/** The bytes of the chunks, checked: base64, not empty, not too large, a picture. Pure. */
export function decodeImage(chunks: unknown): { bytes: Buffer; type: ImageType } {
  if (!Array.isArray(chunks) || !chunks.length || chunks.some((c) => typeof c !== 'string')) return refuse('没有收到文件，请重新选择');
  const text = (chunks as string[]).join('');
  // The size first (from the length, before decoding anything large): base64 is 4 characters per 3 bytes.
  const size = Math.floor((text.length * 3) / 4) - (text.match(/=*$/)?.[0].length ?? 0);
  if (size > MAX_IMAGE_BYTES) return refuse(`不能超过 ${kb(MAX_IMAGE_BYTES)}（这个文件 ${kb(size)}），请压缩后再上传`);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return refuse('文件已损坏，请重新选择');
  const bytes = Buffer.from(text, 'base64');
  if (!bytes.length) return refuse('文件是空的');
  const type = imageTypeOf(bytes);
  if (!type) return refuse('这个文件不是图片，只支持 JPG、PNG、GIF、WEBP');
  return { bytes, type };
}

/**
 * Stores the picture under a name made of its content (the same picture twice is one file, so a
 * retried upload stores nothing new) and answers its fileID.
 */
export async function storeImage(chunks: unknown): Promise<{ fileID: string; bytes: number; type: ImageType }> {
  const { bytes, type } = decodeImage(chunks);
  const name = createHash('sha256').update(bytes).digest('hex').slice(0, 32);
  const cloud = getCloud() as unknown as { uploadFile(o: { cloudPath: string; fileContent: Buffer }): Promise<{ fileID: string }> };
  const { fileID } = await cloud.uploadFile({ cloudPath: `mall-images/${name}.${type}`, fileContent: bytes });
  return { fileID, bytes: bytes.length, type };
}
