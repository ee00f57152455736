import { getDb } from '../cloud';
import { roleOf, type Role } from '../ops/roles';

/**
 * The caller's operator role, or null when the caller is not an operator: `admins` holds a document
 * with the OPENID as _id that is not disabled (docs/console.md#roles).
 */
export async function operatorRoleOf(openid: string): Promise<Role | null> {
  if (!openid) return null;
  // A missing document is "not an operator" (the real database rejects the get; fail closed).
  const { data } = await getDb().collection('admins').doc(openid).get().catch(() => ({ data: null }));
  if (!data || (data as { disabled?: boolean }).disabled) return null;
  return roleOf(data as { role?: unknown });
}

export async function isOperator(openid: string): Promise<boolean> {
  return (await operatorRoleOf(openid)) !== null;
}
