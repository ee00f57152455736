// Operator roles (docs/console.md#roles): owner (everything, manages operators), operator (daily
// work), viewer (read only). Every operator action names the least role it needs; the handler
// checks it on every call. Pure: no database here.
import { ROLES, roleOf, type Role } from '../privacy/rules';

export { ROLES, roleOf, type Role };

const RANK: Record<Role, number> = { viewer: 0, operator: 1, owner: 2 };

/** Whether `role` may call an action that needs `needed`. */
export const mayAct = (role: Role, needed: Role): boolean => RANK[role] >= RANK[needed];

/** The Chinese names the console shows. */
export const ROLE_LABEL: Record<Role, string> = { owner: '负责人', operator: '运营', viewer: '只读' };
