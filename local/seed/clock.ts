// The seed's clock: runs a step of the demo's past — an operator creating a campaign, a batch, the
// catalog — through the real functions as if it were `at`, so every date the console shows (a batch's
// 创建日期, a campaign's versions, 操作日志) comes before what happened under it. Functions take their
// time from the clock (`new Date()`), so the clock itself is moved for the step, by a fixed offset
// that keeps it ticking. Only the seed uses it, before the local cloud serves anything or runs a
// timer: nothing else runs meanwhile.
const RealDate = Date;

/** Runs `step` with `Date` reading `at` (and onwards) and restores the real clock afterwards. */
export async function atTime<T>(at: Date, step: () => Promise<T>): Promise<T> {
  const offset = +at - RealDate.now();
  class SeedDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(RealDate.now() + offset);
      else super(...(args as [string | number | Date]));
    }
    static now() {
      return RealDate.now() + offset;
    }
    // A date made before the step (by the engine, a parsed document) is still a Date during it.
    static [Symbol.hasInstance](x: unknown) {
      return x instanceof RealDate;
    }
  }
  if (globalThis.Date !== RealDate) throw new Error('atTime: steps of the seed do not nest');
  globalThis.Date = SeedDate as unknown as DateConstructor;
  try {
    return await step();
  } finally {
    globalThis.Date = RealDate;
  }
}
