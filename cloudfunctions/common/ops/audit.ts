// The operator audit (docs/console.md#audit): every operator action that may change something is
// recorded by the handler — who, in what role, when, which function and action, the input, the
// outcome, and the target document before and after when the action names one. Actions never write
// their own operator audit; reads (role viewer) are not recorded (unmasked personal data views
// have their own audit in privacy/access.ts).
import { getDb } from '../cloud';
import { maskAddress, maskPhone } from '../privacy/rules';
import type { Role } from './roles';

export const OPS_AUDIT = 'opsAudit';

export interface AuditTarget {
  collection: string;
  id: string;
}

export interface AuditRecord {
  actor: string;
  role: Role;
  fn: string;
  action: string;
  input: unknown;
  /** 'ok', or the error code the action answered with. */
  outcome: string;
  target: AuditTarget | null;
  before: unknown;
  after: unknown;
  requestId: string;
  at: Date;
}

// Fields never stored as given: virtual card codes and uploaded files are secrets or bulk; the
// audit keeps how many or how large.
const REDACTED_KEYS = new Set(['codes', 'cards', 'csv', 'content', 'file', 'fileContent', 'secret']);
const MAX_STRING = 200;
const MAX_ITEMS = 20;
const MAX_DOC_CHARS = 16_000;

/** The input as the audit keeps it: secrets and bulk reduced to their size, personal data masked. */
export function reduceForAudit(value: unknown, key = ''): unknown {
  // Personal data stays where it lives; the audit keeps it masked as a viewer would see it.
  if (key === 'address' && value && typeof value === 'object') return maskAddress(value as never);
  if (key === 'phone' && typeof value === 'string') return maskPhone(value);
  if (REDACTED_KEYS.has(key) && value != null) {
    if (Array.isArray(value)) return `〔${value.length} 项，未记录〕`;
    if (typeof value === 'string') return `〔${value.length} 字符，未记录〕`;
    return '〔未记录〕';
  }
  if (typeof value === 'string') return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…〔共 ${value.length} 字符〕` : value;
  if (Array.isArray(value)) {
    const kept = value.slice(0, MAX_ITEMS).map((v) => reduceForAudit(v));
    return value.length > MAX_ITEMS ? [...kept, `…〔共 ${value.length} 项〕`] : kept;
  }
  if (value instanceof Date) return value;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, reduceForAudit(v, k)]));
  }
  return value;
}

/** A target document as the audit keeps it: whole when small, else its top-level scalar fields. */
export function docForAudit(doc: unknown): unknown {
  if (!doc || typeof doc !== 'object') return doc ?? null;
  if (JSON.stringify(doc).length <= MAX_DOC_CHARS) return reduceForAudit(doc);
  const scalars = Object.entries(doc as Record<string, unknown>).filter(([, v]) => v === null || typeof v !== 'object' || v instanceof Date);
  return { ...Object.fromEntries(scalars.map(([k, v]) => [k, reduceForAudit(v, k)])), '〔说明〕': '文档较大，仅记录顶层字段' };
}

export async function readTarget(target: AuditTarget | null): Promise<unknown> {
  if (!target) return null;
  const { data } = await getDb().collection(target.collection).doc(target.id).get().catch(() => ({ data: null }));
  return docForAudit(data);
}

export async function recordAudit(record: AuditRecord): Promise<void> {
  await getDb().collection(OPS_AUDIT).add({ data: record });
}
