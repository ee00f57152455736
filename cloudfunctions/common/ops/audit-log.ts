// Browsing the operator audit (docs/console.md#audit): newest first, filtered by who, which action,
// which document and which Shanghai days; one indexed query per page.
import { getDb } from '../cloud';
import { decodeCursor, encodeCursor } from '../cursor';
import { shanghaiDayStart } from '../time';
import { OPS_AUDIT, type AuditRecord } from './audit';

export interface AuditFilter {
  actor?: string;
  fn?: string;
  action?: string;
  targetId?: string;
  /** 'ok' or 'failed' (any error code). */
  outcome?: 'ok' | 'failed';
  from?: string;
  to?: string;
  cursor?: string;
  limit: number;
}

const DAY_MS = 86_400_000;

export async function auditLog(f: AuditFilter) {
  const db = getDb();
  const _ = db.command;
  const where: Record<string, unknown> = {};
  if (f.actor) where.actor = f.actor;
  if (f.fn) where.fn = f.fn;
  if (f.action) where.action = f.action;
  if (f.targetId) where['target.id'] = f.targetId;
  if (f.outcome) where.outcome = f.outcome === 'ok' ? 'ok' : _.neq('ok');
  const at: unknown[] = [];
  if (f.from) at.push(_.gte(shanghaiDayStart(f.from)));
  if (f.to) at.push(_.lt(new Date(shanghaiDayStart(f.to).getTime() + DAY_MS)));
  const conds: unknown[] = [where];
  if (at.length) conds.push({ at: at.length === 1 ? at[0] : _.and(at as never[]) });
  if (f.cursor) {
    const c = decodeCursor(f.cursor);
    conds.push(_.or([{ at: _.lt(c.at) }, { at: c.at, _id: _.lt(c.id) }]));
  }
  const { data } = await db
    .collection(OPS_AUDIT)
    .where(conds.length === 1 ? where : _.and(conds as never[]))
    .orderBy('at', 'desc')
    .orderBy('_id', 'desc')
    .limit(f.limit + 1)
    .get();
  const page = (data as (AuditRecord & { _id: string })[]).slice(0, f.limit);
  const last = page[page.length - 1];
  return {
    items: page.map(({ _id, ...r }) => ({ id: _id, ...r })),
    nextCursor: data.length > f.limit && last ? encodeCursor({ at: new Date(last.at), id: last._id }) : null,
  };
}
