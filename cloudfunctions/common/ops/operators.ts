// Managing operators (docs/console.md#roles): the owner adds operators by OPENID, changes their
// role, disables and re-enables them. Nobody changes their own record, so an owner can never lock
// the last owner out by mistake.
import { getDb } from '../cloud';
import { fieldError } from '../forms';
import { ROLE_LABEL, roleOf, type Role } from './roles';

export const ADMINS = 'admins';

export interface OperatorView {
  openid: string;
  name: string;
  role: Role;
  roleLabel: string;
  disabled: boolean;
  createdAt: Date | null;
  updatedAt: Date | null;
}

interface AdminDoc {
  _id: string;
  name?: string;
  role?: unknown;
  disabled?: boolean;
  createdAt?: Date;
  updatedAt?: Date;
}

const view = (d: AdminDoc): OperatorView => {
  const role = roleOf(d);
  return { openid: d._id, name: d.name ?? '', role, roleLabel: ROLE_LABEL[role], disabled: Boolean(d.disabled), createdAt: d.createdAt ?? null, updatedAt: d.updatedAt ?? null };
};

/** Operators are a handful of brand staff; 200 is far above any brand's team and bounds the read. */
export const MAX_OPERATORS = 200;

export async function listOperators(): Promise<{ items: OperatorView[] }> {
  const { data } = await getDb().collection(ADMINS).orderBy('createdAt', 'asc').limit(MAX_OPERATORS).get();
  return { items: (data as AdminDoc[]).map(view) };
}

export async function whoami(openid: string): Promise<OperatorView> {
  const { data } = await getDb().collection(ADMINS).doc(openid).get().catch(() => ({ data: null }));
  return view((data as AdminDoc | null) ?? { _id: openid });
}

export interface SaveOperator {
  openid: string;
  name: string;
  role: Role;
  disabled?: boolean;
}

export async function saveOperator(input: SaveOperator, by: string, now = new Date()): Promise<OperatorView> {
  if (input.openid === by) throw fieldError('openid', 'OPENID', '不能修改自己的权限，请让另一位负责人操作');
  const db = getDb();
  const { data: existing } = await db.collection(ADMINS).doc(input.openid).get().catch(() => ({ data: null }));
  if (!existing) {
    const { total } = await db.collection(ADMINS).count();
    if (total >= MAX_OPERATORS) throw fieldError('openid', 'OPENID', `运营人员最多 ${MAX_OPERATORS} 位`);
  }
  const doc = {
    name: input.name,
    role: input.role,
    disabled: Boolean(input.disabled),
    createdAt: (existing as AdminDoc | null)?.createdAt ?? now,
    updatedAt: now,
    updatedBy: by,
  };
  await db.collection(ADMINS).doc(input.openid).set({ data: doc });
  return view({ _id: input.openid, ...doc });
}

/** Names of the given operators (a page of the audit names at most 50). */
export async function operatorNames(ids: string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const db = getDb();
  const { data } = await db.collection(ADMINS).where({ _id: db.command.in(ids) }).limit(ids.length).get();
  return new Map((data as AdminDoc[]).map((d) => [d._id, d.name ?? '']));
}
