// One saga shape for multi-step writes (docs/sagas.md; Medusa's workflows are the model): named
// steps, each returning what it took and each with the compensation that gives exactly that back.
// What the steps took is the saga's journal, kept in the document that owns the flow:
//   open     adds the owner (`running`): the idempotency gate — a second call finds it;
//   steps    take what the flow needs, each journalled in memory under its name;
//   record   writes the journal to the owner in one write: from then on a retry may resume the
//            saga from it and a crash sweep gives back exactly what it records;
//   finish   the last step, which commits with the owner's final state (e.g. in the ledger's
//            transaction) — it takes nothing that needs giving back.
// A failure compensates once: the owner is closed first with a conditional write (running →
// failed: the gate — an owner that moved on meanwhile, a finish whose reply was lost, is answered as
// the success it is and nothing is given back); then the undos run in reverse order in ONE
// transaction that also claims the owner's give-back (so a cancel, the failing call and the crash
// sweep give back once between them); undos that cannot run in a transaction (idempotent) follow.
import { inTransaction, type Tx } from '../tx';

/** What each completed step took, by step name (null: it took nothing). */
export type Journal = Record<string, unknown>;

export interface Step<C> {
  name: string;
  /** Does the step's work and returns what it took (journalled under `name`); throws to fail the saga. */
  run(ctx: C, journal: Journal): Promise<unknown>;
  /** Gives back exactly `took`, inside the compensation transaction (doc get/update only). */
  undo?(ctx: C, took: any, tx: Tx): Promise<void>;
  /** A give-back that cannot run in a transaction: idempotent, runs after it. */
  undoAfter?(ctx: C, took: any): Promise<void>;
}

export interface Saga<C> {
  name: string;
  /** Adds the owner, running (throws SagaDuplicate when it exists: another call has the key). */
  open(ctx: C): Promise<void>;
  steps: Step<C>[];
  /** Writes the journal to the owner if it is still running; false when it is not. */
  record(ctx: C, journal: Journal): Promise<boolean>;
  /** Commits the owner's final state (one transaction); may be run again by a resumption. */
  finish(ctx: C, journal: Journal, resumed: boolean): Promise<void>;
  /**
   * Moves the owner from running to failed with `code` and the journal (a conditional write, so a
   * give-back cut short is finished from it by the sweep); `settled`: nothing to give back, so it
   * is marked given back at once. False when it is not running any more.
   */
  close(ctx: C, code: string, journal: Journal, settled: boolean): Promise<boolean>;
  /** Inside the give-back transaction: true (marking the owner given back) unless it was already. */
  claim(ctx: C, tx: Tx): Promise<boolean>;
}

/** The owner exists already: the same key, from another call. */
export class SagaDuplicate extends Error {}

/** A failing saga's owner had moved on (finished, or closed by another): answer the owner as stored. */
export class SagaSettled extends Error {
  constructor(readonly saga: string) {
    super(`${saga}: settled by another call`);
  }
}

/**
 * A new saga: open, the steps, record, finish. A failure after open compensates what the steps
 * took and rethrows (or throws SagaSettled when the owner moved on, nothing given back).
 */
export async function runSaga<C>(saga: Saga<C>, ctx: C, codeOf: (e: unknown) => string): Promise<Journal> {
  await saga.open(ctx);
  const journal: Journal = {};
  try {
    for (const step of saga.steps) journal[step.name] = (await step.run(ctx, journal)) ?? null;
  } catch (e) {
    await compensate(saga, ctx, journal, codeOf(e), false);
    throw e;
  }
  if (!(await saga.record(ctx, journal))) {
    // Closed meanwhile (the crash sweep, which knew nothing of these takes): this call gives them back.
    await giveBack(saga, ctx, journal, async () => true);
    throw new SagaSettled(saga.name);
  }
  try {
    await saga.finish(ctx, journal, false);
  } catch (e) {
    await compensate(saga, ctx, journal, codeOf(e));
    throw e;
  }
  return journal;
}

/**
 * Resumes a recorded saga whose call died or is still running: only `finish` is left (it is
 * idempotent by its own key). A resumption does not compensate on failure — the call that opened
 * the saga, or the crash sweep, does — so two callers never give back twice.
 */
export async function resumeSaga<C>(saga: Saga<C>, ctx: C, journal: Journal): Promise<void> {
  await saga.finish(ctx, journal, true);
}

/** What the journal records that has a give-back, last step first. */
const taken = <C>(saga: Saga<C>, journal: Journal) => [...saga.steps].reverse().filter((s) => journal[s.name] !== undefined && journal[s.name] !== null);

/**
 * Closes the owner, then gives back what `journal` records, exactly once (see the header).
 * `recorded` false: the journal is this call's alone (not yet on the owner); if another closed the
 * owner meanwhile it knew nothing of these takes, so this call gives them back regardless.
 */
export async function compensate<C>(saga: Saga<C>, ctx: C, journal: Journal, code: string, recorded = true): Promise<void> {
  const done = taken(saga, journal);
  if (!(await saga.close(ctx, code, journal, done.length === 0))) {
    if (!recorded && done.length) await giveBack(saga, ctx, journal, async () => true);
    throw new SagaSettled(saga.name);
  }
  if (done.length) await giveBack(saga, ctx, journal, (tx) => saga.claim(ctx, tx));
}

/** Gives back what `journal` records, once: the transactional undos run only if `claim` (in their transaction) says so. */
export async function giveBack<C>(saga: Saga<C>, ctx: C, journal: Journal, claim: (tx: Tx) => Promise<boolean>): Promise<void> {
  const done = taken(saga, journal);
  const claimed = await inTransaction(async (tx) => {
    if (!(await claim(tx))) return false;
    for (const s of done) if (s.undo) await s.undo(ctx, journal[s.name], tx);
    return true;
  });
  if (claimed) for (const s of done) if (s.undoAfter) await s.undoAfter(ctx, journal[s.name]);
}
