// Cursor pagination over (time, _id): an opaque base64url token of the last item's position, so a
// page boundary never skips or repeats a document, whatever shares a timestamp.
import { AppError } from './errors';

export interface Position {
  at: Date;
  id: string;
}

export const encodeCursor = ({ at, id }: Position): string => Buffer.from(`${at.getTime()}|${id}`).toString('base64url');

export function decodeCursor(cursor: string): Position {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const sep = text.indexOf('|');
  const ms = Number(text.slice(0, sep));
  // A safe integer can still lie outside a Date's range (±8.64e15 ms): an Invalid Date in a query is INTERNAL.
  if (sep < 1 || !Number.isSafeInteger(ms) || Math.abs(ms) > 8.64e15) throw new AppError('BAD_REQUEST', 'cursor: malformed');
  return { at: new Date(ms), id: text.slice(sep + 1) };
}
