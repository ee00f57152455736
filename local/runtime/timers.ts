// Fires each function's config.json timer triggers on their cron, as the platform does: 7-field
// cron (second minute hour day month week year) in Asia/Shanghai, an event {Type:'Timer', ...},
// SOURCE wx_trigger and no member identity. Also fires them on demand (CLI, local endpoint, tests).
import { Cron } from 'croner';
import { listFunctions, readTriggers, type TimerTrigger } from './functions';
import type { Runner } from './runner';

export const TRIGGER_TIMEZONE = 'Asia/Shanghai';

/** Splits a 7-field cron into croner's 6 fields plus a year filter ('*' or a comma list / range). */
export function parseTimerCron(cron: string): { sixFields: string; yearMatches: (year: number) => boolean } {
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 7) throw new Error(`timer cron must have 7 fields (sec min hour day month week year): "${cron}"`);
  const year = fields[6];
  const yearMatches = (y: number) =>
    year === '*' ||
    year.split(',').some((part) => {
      const [from, to] = part.split('-').map(Number);
      return to === undefined ? y === from : y >= from && y <= to;
    });
  return { sixFields: fields.slice(0, 6).join(' '), yearMatches };
}

export function allTriggers(): TimerTrigger[] {
  return listFunctions().flatMap(readTriggers);
}

export function fireTrigger(runner: Runner, trigger: TimerTrigger, at = new Date()) {
  return runner.invoke(
    trigger.functionName,
    { Type: 'Timer', TriggerName: trigger.name, Time: at.toISOString(), Message: '' },
    { SOURCE: 'wx_trigger' },
  );
}

/** Starts every trigger's schedule; returns a stop function. */
export function scheduleTriggers(runner: Runner, triggers = allTriggers(), log: (line: string) => void = console.log): () => void {
  const jobs = triggers.map((trigger) => {
    const { sixFields, yearMatches } = parseTimerCron(trigger.cron);
    return new Cron(sixFields, { timezone: TRIGGER_TIMEZONE, protect: true }, async () => {
      const now = new Date();
      if (!yearMatches(Number(new Intl.DateTimeFormat('en', { year: 'numeric', timeZone: TRIGGER_TIMEZONE }).format(now)))) return;
      try {
        const { result, ms } = await fireTrigger(runner, trigger, now);
        log(`[timer] ${trigger.functionName}/${trigger.name} ${Math.round(ms)} ms ${JSON.stringify(result).slice(0, 200)}`);
      } catch (e) {
        log(`[timer] ${trigger.functionName}/${trigger.name} failed: ${(e as Error).message}`);
      }
    });
  });
  return () => jobs.forEach((j) => j.stop());
}

/** When each trigger fires next (for the start banner and the local endpoint). */
export function nextRuns(triggers = allTriggers()): { trigger: TimerTrigger; next: string | null }[] {
  return triggers.map((trigger) => {
    const next = new Cron(parseTimerCron(trigger.cron).sixFields, { timezone: TRIGGER_TIMEZONE, paused: true }).nextRun();
    return { trigger, next: next ? next.toISOString() : null };
  });
}
