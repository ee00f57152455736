// Turns a table of actions into a cloud function entry: validate the event, establish identity from
// cloud.getWXContext() only, check the caller's role, run the action, and answer {ok:true,data} or
// {ok:false,code,message}. Nothing is written before validation and authorisation pass.
import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { getCloud } from './cloud';
import { AppError, ERROR_CODES, type ErrorCode } from './errors';
import { eventProblem } from './inputs';
import { operatorRoleOf } from './services/operators';
import { mayAct, type Role } from './ops/roles';
import { readTarget, recordAudit, reduceForAudit, type AuditTarget } from './ops/audit';

/**
 * member: any signed-in member; operator: OPENIDs in `admins`; server: a brand's server calling
 * through the cloud's HTTP API — no member identity, authorised by the event's `secret` matching
 * the function's environment variable named by `secretEnv` (never stored in the database).
 */
export type Auth = 'member' | 'operator' | 'server';

export interface Caller {
  openid: string;
  appid: string;
  unionid: string;
  clientIp: string;
  source: string;
}

export interface ActionContext {
  caller: Caller;
  requestId: string;
  functionName: string;
}

export interface ActionDef<S extends z.ZodType = z.ZodType> {
  /** Who may call it: any signed-in member, or operators only (checked against `admins`). */
  auth: Auth;
  /** For auth 'server': the environment variable holding the shared secret. */
  secretEnv?: string;
  /**
   * For auth 'operator': the least role that may call it (docs/console.md#roles). 'viewer' marks a
   * read; omitted means 'operator' (a change); 'owner' for managing operators.
   */
  role?: Role;
  /** A read that needs more than the viewer role (e.g. the audit log): checked, not audited. */
  read?: boolean;
  /**
   * Operator changes are recorded in `opsAudit` by the handler; `target` names the one document
   * the action changes, so the record keeps it before and after.
   */
  audit?: { target: (input: z.infer<S>) => AuditTarget | null };
  /** The event's fields besides `action`; unknown fields are rejected. */
  input: S;
  run: (input: z.infer<S>, ctx: ActionContext) => Promise<unknown>;
}

/** Typed helper so each action's `run` sees its schema's type. */
export const action = <S extends z.ZodType>(def: ActionDef<S>): ActionDef<S> => def;

export interface TimerEvent {
  Type: 'Timer';
  TriggerName: string;
  Time: string;
  Message?: string;
}

export interface FunctionDef {
  name: string;
  actions: Record<string, ActionDef<any>>;
  /** Runs when the function's config.json timer trigger fires (no caller identity). */
  onTimer?: (event: TimerEvent, ctx: { requestId: string; functionName: string }) => Promise<unknown>;
}

/** `field`: for INVALID_FIELD, the input field the message is about (the console shows it there). */
export type Reply = { ok: true; data: unknown } | { ok: false; code: ErrorCode; message: string; field?: string };

/** One action as listed by a function's `actions` (tests enumerate every action through it). */
export interface ActionListing {
  name: string;
  auth: Auth;
  /** For auth 'server': the environment variable holding the secret (its name, never its value). */
  secretEnv?: string;
  /** For auth 'operator': the least role that may call it. */
  role?: Role;
  /** The action's input as JSON Schema (zod's own rendering; unrepresentable parts are `{}`). */
  inputSchema(): unknown;
}

export type CloudFunctionMain = ((event: unknown, context?: { request_id?: string }) => Promise<Reply>) & {
  /** The function's action table, as data: names, who may call each, and each input's shape. */
  readonly actions: ActionListing[];
};


const ok = (data: unknown): Reply => ({ ok: true, data: data ?? null });
const err = (code: ErrorCode, message: string, field?: string): Reply => (field ? { ok: false, code, message, field } : { ok: false, code, message });

function replyFor(e: unknown, fn: string): Reply {
  if (e instanceof AppError) {
    const field = (e.details as { field?: unknown } | undefined)?.field;
    return err(e.code, e.message, typeof field === 'string' ? field : undefined);
  }
  console.error(`[${fn}] unexpected error`, e);
  return err('INTERNAL', 'internal error');
}

/** Runs an operator's change and records it in the audit, whatever its outcome. */
async function runAudited(def: ActionDef, name: string, input: unknown, ctx: ActionContext, role: Role): Promise<Reply> {
  let target: AuditTarget | null = null;
  try {
    target = def.audit?.target(input) ?? null;
  } catch {
    target = null;
  }
  const before = await readTarget(target);
  let reply: Reply;
  try {
    reply = ok(await def.run(input, ctx));
  } catch (e) {
    reply = replyFor(e, ctx.functionName);
  }
  const after = reply.ok ? await readTarget(target) : before;
  try {
    await recordAudit({
      actor: ctx.caller.openid,
      role,
      fn: ctx.functionName,
      action: name,
      input: reduceForAudit(input),
      outcome: reply.ok ? 'ok' : reply.code,
      target,
      before,
      after,
      requestId: ctx.requestId,
      at: new Date(),
    });
  } catch (e) {
    // The change is done; a lost audit record is logged loudly rather than reported as a failure.
    console.error(`[${ctx.functionName}] audit record lost for ${name}`, e);
  }
  return reply;
}

function readCaller(): Caller {
  const ctx = getCloud().getWXContext() as Record<string, string | undefined>;
  return {
    openid: ctx.OPENID ?? '',
    appid: ctx.APPID ?? '',
    unionid: ctx.UNIONID ?? '',
    clientIp: ctx.CLIENTIP ?? '',
    source: ctx.SOURCE ?? '',
  };
}

// A timer trigger carries no member and the platform marks its source; a member sending
// {Type:'Timer'} from the client has an OPENID and is routed like any other event.
const isTriggerCall = (caller: Caller) => !caller.openid && caller.source.split(',').includes('wx_trigger');

/** Constant-time comparison; an unset secret matches nothing. */
function secretMatches(given: string, expected: string | undefined): boolean {
  if (!expected) return false;
  const h = (v: string) => createHash('sha256').update(v).digest();
  return timingSafeEqual(h(given), h(expected));
}

/**
 * The code a failed schema answers: BAD_REQUEST, unless an issue names its own (a refinement's
 * `params.code`, e.g. `boundedText`'s TEXT_TOO_LONG) so the client can say exactly what is wrong.
 */
function issueCode(error: z.ZodError): ErrorCode {
  for (const i of error.issues) {
    const code = (i as { params?: { code?: unknown } }).params?.code;
    if (typeof code === 'string' && (ERROR_CODES as readonly string[]).includes(code)) return code as ErrorCode;
  }
  return 'BAD_REQUEST';
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((i) => `${i.path.length ? i.path.join('.') : 'event'}: ${i.message}`)
    .join('; ');
}

export function defineFunction(def: FunctionDef): CloudFunctionMain {
  const main = async function main(event: unknown, context?: { request_id?: string }): Promise<Reply> {
    const requestId = context?.request_id ?? '';
    try {
      if (!event || typeof event !== 'object' || Array.isArray(event)) {
        return err('BAD_REQUEST', 'event must be an object');
      }
      // Structure first, for every event: nothing deeper, larger or stranger than JSON input can be
      // reaches a schema or the database (operator keys, NaN, lone surrogates, stack-deep nesting).
      const problem = eventProblem(event);
      if (problem) return err('BAD_REQUEST', problem);
      const raw = event as Record<string, unknown>;
      if (raw.Type === 'Timer' && def.onTimer && isTriggerCall(readCaller())) {
        return ok(await def.onTimer(raw as unknown as TimerEvent, { requestId, functionName: def.name }));
      }
      // The platform adds userInfo to mini-program calls; it is informational, never identity.
      const { action: name, userInfo: _userInfo, ...fields } = raw;
      if (typeof name !== 'string' || !name) return err('BAD_REQUEST', 'action is required');
      const actionDef = Object.prototype.hasOwnProperty.call(def.actions, name) ? def.actions[name] : undefined;
      if (!actionDef) return err('UNKNOWN_ACTION', `unknown action: ${name}`);

      if (actionDef.auth === 'server') {
        const { secret, ...rest } = fields;
        const parsed = actionDef.input.safeParse(rest);
        if (!parsed.success) return err(issueCode(parsed.error), describeIssues(parsed.error));
        const caller = readCaller();
        if (caller.openid) return err('FORBIDDEN', `${name} is for the brand's server, not members`);
        if (typeof secret !== 'string' || !secret) return err('UNAUTHENTICATED', 'secret is required');
        if (!secretMatches(secret, process.env[actionDef.secretEnv ?? ''])) return err('FORBIDDEN', 'wrong secret');
        return ok(await actionDef.run(parsed.data, { caller, requestId, functionName: def.name }));
      }
      const parsed = actionDef.input.safeParse(fields);
      if (!parsed.success) return err(issueCode(parsed.error), describeIssues(parsed.error));

      const caller = readCaller();
      if (!caller.openid) return err('UNAUTHENTICATED', 'no caller identity');
      const ctx = { caller, requestId, functionName: def.name };
      if (actionDef.auth === 'operator') {
        const role = await operatorRoleOf(caller.openid);
        if (!role) return err('FORBIDDEN', `${name} is for operators only`);
        const needed = actionDef.role ?? 'operator';
        if (!mayAct(role, needed)) {
          const reply = err('FORBIDDEN', `${name} needs the ${needed} role`);
          // A refused change is recorded too: who tried what.
          await recordAudit({ actor: caller.openid, role, fn: def.name, action: name, input: reduceForAudit(parsed.data), outcome: 'FORBIDDEN', target: null, before: null, after: null, requestId, at: new Date() }).catch(() => undefined);
          return reply;
        }
        if (needed !== 'viewer' && !actionDef.read) return await runAudited(actionDef, name, parsed.data, ctx, role);
      }
      return ok(await actionDef.run(parsed.data, ctx));
    } catch (e) {
      return replyFor(e, def.name);
    }
  };
  const actions: ActionListing[] = Object.entries(def.actions).map(([name, a]) => ({
    name,
    auth: a.auth,
    secretEnv: a.secretEnv,
    role: a.auth === 'operator' ? (a.role ?? 'operator') : undefined,
    inputSchema: () => z.toJSONSchema(a.input, { io: 'input', unrepresentable: 'any' }),
  }));
  return Object.assign(main, { actions });
}
