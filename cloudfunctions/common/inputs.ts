// What every function's input shares: the structural check the handler runs on every event before
// its action's schema (depth, size, keys, numbers, strings), and the schemas of dates, so a day or an
// instant is validated the same way wherever it is an input.
import { z } from 'zod';
import { FIRST_YEAR, isCalendarDay, isInstantInRange, LAST_YEAR, shanghaiDay } from './time';

/** Nesting an event may have: the deepest input (a campaign's multipliers) is 4 levels under the event. */
export const MAX_EVENT_DEPTH = 8;
/** Values (objects, arrays, scalars) in one event: addCodes' 500 codes are the largest legitimate input. */
export const MAX_EVENT_NODES = 2_000;
/** Longest string anywhere in an event: the scan code's 4,096 is the longest any schema accepts. */
export const MAX_STRING_LENGTH = 10_000;
export const MAX_KEY_LENGTH = 64;

/**
 * Why an event cannot be an input, or null. Checked iteratively (a deep event must not overflow the
 * stack) and before any schema, for every action:
 * - only JSON values: plain objects, arrays, strings, finite numbers, booleans, null;
 * - bounded depth, count and string length;
 * - no key containing `.` or starting with `$` at any level, so no input can name a nested path or
 *   carry a query operator (`{"$gt": ""}`) into a database call, whatever a schema lets through;
 * - well-formed strings (a lone UTF-16 surrogate cannot be stored as UTF-8).
 */
export function eventProblem(event: unknown): string | null {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: event, path: 'event', depth: 0 }];
  let nodes = 0;
  while (stack.length) {
    const { value, path, depth } = stack.pop()!;
    if (++nodes > MAX_EVENT_NODES) return `event has more than ${MAX_EVENT_NODES} values`;
    if (value === null || typeof value === 'boolean') continue;
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) return `${path}: numbers must be finite`;
      continue;
    }
    if (typeof value === 'string') {
      if (value.length > MAX_STRING_LENGTH) return `${path}: longer than ${MAX_STRING_LENGTH} characters`;
      if (!isWellFormed(value)) return `${path}: not well-formed text`;
      continue;
    }
    if (typeof value !== 'object') return `${path}: not a JSON value`;
    if (depth >= MAX_EVENT_DEPTH) return `${path}: nested deeper than ${MAX_EVENT_DEPTH} levels`;
    if (Array.isArray(value)) {
      value.forEach((v, i) => stack.push({ value: v, path: `${path}[${i}]`, depth: depth + 1 }));
      continue;
    }
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return `${path}: not a plain object`;
    for (const key of Object.keys(value)) {
      if (key.length > MAX_KEY_LENGTH) return `${path}: a key is longer than ${MAX_KEY_LENGTH} characters`;
      if (key.includes('.') || key.startsWith('$')) return `${path}: key "${key}" may not contain "." or start with "$"`;
      if (!isWellFormed(key)) return `${path}: a key is not well-formed text`;
      stack.push({ value: (value as Record<string, unknown>)[key], path: `${path}.${key}`, depth: depth + 1 });
    }
  }
  return null;
}

// No lone surrogates (String.prototype.isWellFormed is Node 20+; the cloud runs Node 16).
const isWellFormed = (s: string) => !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);

const DAY_MESSAGE = `must be a calendar day YYYY-MM-DD in ${FIRST_YEAR}-${LAST_YEAR}`;

/**
 * A Shanghai calendar day as input (`2026-13-45`, `0000-00-00`, `2026-02-30` refused). With
 * `notAfterToday`, a day after today in Asia/Shanghai is refused too: work for a day that has not
 * begun (expiring its lots, marking it done) must wait for that day.
 */
export const shanghaiDayInput = (opts: { notAfterToday?: boolean } = {}) =>
  z
    .string()
    .refine(isCalendarDay, DAY_MESSAGE)
    .refine((d) => !opts.notAfterToday || !isCalendarDay(d) || d <= shanghaiDay(), 'must not be after today (Asia/Shanghai)')
    .meta({ format: 'date' }); // how the action listings (and the fuzz test) tell a day from other text

/** An ISO-8601 UTC instant (`2026-11-29T08:00:00Z`), a real date within FIRST_YEAR..LAST_YEAR. */
export const instantInput = () =>
  z.iso.datetime().refine(isInstantInRange, `must be a date-time in ${FIRST_YEAR}-${LAST_YEAR}`);

/** Characters as a person counts them (a surrogate pair, e.g. an emoji, is one). */
export const charCount = (s: string) => Array.from(s).length;

/**
 * Free text a person types (a nickname, a name): trimmed, at most `max` characters as they count
 * them. Longer text is refused with TEXT_TOO_LONG (the handler reads the issue's `params.code`),
 * never cut.
 */
export const boundedText = (field: string, max: number) =>
  z
    .string()
    .trim()
    .refine((s) => charCount(s) <= max, { message: `${field} must be at most ${max} characters`, params: { code: 'TEXT_TOO_LONG' } });
