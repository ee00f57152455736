// Operators and members' personal data (docs/privacy.md#operators): the one function that reads an
// operator's role, masking by role, and the audit of every unmasked view or export.
import { getDb } from '../cloud';
import { maskAddress, maskPhone, maySeePersonal, roleOf, type Role } from './rules';
import { PRIVACY } from './closure';
import type { Address } from '../mall/model';

/** The operator's role (`admins/<openid>.role`, default operator). Issue 13 extends the roles here. */
export async function operatorRole(openid: string): Promise<Role> {
  const { data } = await getDb().collection('admins').doc(openid).get().catch(() => ({ data: null }));
  return roleOf(data as { role?: unknown } | null);
}

export interface Access {
  operator: string;
  role: Role;
  unmasked: boolean;
}

export async function accessFor(operator: string): Promise<Access> {
  const role = await operatorRole(operator);
  return { operator, role, unmasked: maySeePersonal(role) };
}

/** One audit record per unmasked view or export: who, in what role, what, which records. */
export async function audit(access: Access, action: 'view' | 'export', what: string, targets: string[], now = new Date()): Promise<void> {
  await getDb()
    .collection(PRIVACY.audit)
    .add({ data: { actor: access.operator, role: access.role, action, what, targets: targets.slice(0, 100), count: targets.length, createdAt: now } });
}

/** Phone numbers masked unless the role may see them; an unmasked list is audited. */
export async function membersForOperator<T extends { openid: string; phone: string }>(access: Access, items: T[]): Promise<T[]> {
  if (!access.unmasked) return items.map((m) => ({ ...m, phone: maskPhone(m.phone) }));
  if (items.some((m) => m.phone)) await audit(access, 'view', 'members', items.filter((m) => m.phone).map((m) => m.openid));
  return items;
}

/** Order addresses masked unless the role may see them; unmasked views and every export are audited. */
export async function ordersForOperator<T extends { id?: string; _id?: string; address?: Address | null }>(access: Access, orders: T[], action: 'view' | 'export' = 'view'): Promise<T[]> {
  const ids = orders.filter((o) => o.address).map((o) => String(o.id ?? o._id));
  // Every export is audited (it names members even masked); a view only when unmasked.
  if (action === 'export' || (access.unmasked && ids.length)) await audit(access, action, 'orders', ids);
  return access.unmasked ? orders : orders.map((o) => ({ ...o, address: o.address ? maskAddress(o.address) : o.address }));
}
