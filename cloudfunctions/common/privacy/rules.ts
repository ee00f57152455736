// Pure rules of personal information (docs/privacy.md): masking, who may see what, whether an
// account may close, and how long each kind of data is kept. No database here.
import type { Address } from '../mall/model';

/** 138****1234; anything that is not a mobile number keeps its first and last characters only. */
export function maskPhone(phone: string | undefined | null): string {
  if (!phone) return '';
  if (/^1\d{10}$/.test(phone)) return `${phone.slice(0, 3)}****${phone.slice(7)}`;
  return phone.length <= 2 ? '*'.repeat(phone.length) : `${phone[0]}${'*'.repeat(phone.length - 2)}${phone[phone.length - 1]}`;
}

/** 张** (the first character of the name). */
export const maskName = (name: string | undefined | null): string => (name ? `${[...name][0]}${'*'.repeat(Math.max(1, [...name].length - 1))}` : '');

/** Province and city stay (enough for regional figures); the name, phone, district and street do not. */
export function maskAddress(a: Address | null | undefined): Address | null {
  if (!a) return null;
  return { name: maskName(a.name), phone: maskPhone(a.phone), province: a.province, city: a.city, district: a.district ? '***' : '', detail: a.detail ? '****' : '' };
}

/**
 * Operator roles. Today every `admins` document is an operator; issue 13 adds roles properly. The
 * one question asked of a role here: may it see members' phone numbers and addresses unmasked
 * (fulfilment)? Only the owner may, and every such view is audited.
 */
export type Role = 'owner' | 'operator' | 'viewer';
export const ROLES: readonly Role[] = ['owner', 'operator', 'viewer'];
export const roleOf = (admin: { role?: unknown } | null | undefined): Role => (ROLES.includes(admin?.role as Role) ? (admin!.role as Role) : 'operator');
export const maySeePersonal = (role: Role): boolean => role === 'owner';

// ---------------------------------------------------------------------------------------------
// Closing an account

/** `forfeit`: the balance is forfeited after the member confirms it; `mustBeZero`: refused while any is left. */
export type ClosurePolicy = 'forfeit' | 'mustBeZero';
export const CLOSURE_POLICIES: readonly ClosurePolicy[] = ['forfeit', 'mustBeZero'];

/** Mall orders still moving: points, stock or goods not yet settled. */
export const OPEN_ORDER_STATUSES = ['creating', 'unpaid', 'paying', 'toShip', 'shipped'] as const;

export interface ClosureFacts {
  policy: ClosurePolicy;
  /** The account's balance (negative with debt). */
  balance: number;
  held: number;
  /** Points still valid now (lots not past their expiry, not held): what a closure forfeits. */
  live: number;
  openOrders: number;
  openHolds: number;
  /** Brand checkout orders holding points, red packets not yet paid. */
  openOther: number;
}

export interface ClosurePreview {
  policy: ClosurePolicy;
  balance: number;
  /** What closing now would forfeit: the points still valid (lots past their expiry are lost anyway). */
  forfeit: number;
  /** Why closing is refused now, or null. */
  blocked: null | 'ORDERS_OPEN' | 'POINTS_NOT_ZERO';
}

export function previewClosure(f: ClosureFacts): ClosurePreview {
  const forfeit = Math.max(0, f.live);
  const blocked = f.openOrders || f.openHolds || f.openOther || f.held ? 'ORDERS_OPEN' : f.policy === 'mustBeZero' && forfeit > 0 ? 'POINTS_NOT_ZERO' : null;
  return { policy: f.policy, balance: f.balance, forfeit, blocked };
}

// ---------------------------------------------------------------------------------------------
// Retention

const DAY_MS = 86_400_000;

/** How long each kind of personal data is kept (days after the moment named), and what happens then. */
export const RETENTION = {
  /** Risk events (member, IP, province): kept for review and disputes. */
  riskEvents: { days: 180, after: 'createdAt', then: 'deleted' },
  /** Scan rate-limit windows (member or IP): only while their window lasts. */
  rateLimits: { days: 0, after: 'expiresAt', then: 'deleted' },
  /** Expiry reminders: a month after the day they were about. */
  reminders: { days: 30, after: 'expiryDay', then: 'deleted' },
  /** A finished order's address (name, phone, street): after-sales window. */
  orderAddresses: { days: 90, after: 'updatedAt of a completed, cancelled or failed order', then: 'masked on the order' },
  /** Who saw or exported personal data. */
  privacyAudit: { days: 3 * 365, after: 'createdAt', then: 'deleted' },
  /** A risk case an operator dismissed (its evidence names members, codes, provinces): as its events. */
  riskCasesDismissed: { days: 180, after: 'updatedAt of a dismissed case', then: 'deleted' },
  /** A risk case an operator acted on (froze, clawed back, blocked, voided): kept for disputes. */
  riskCasesActioned: { days: 3 * 365, after: 'updatedAt of an actioned case', then: 'deleted' },
} as const;

export type RetentionKind = keyof typeof RETENTION;

/** The instant before which `kind` is past its time at `now`. */
export const retentionCutoff = (kind: RetentionKind, now: Date): Date => new Date(+now - RETENTION[kind].days * DAY_MS);
