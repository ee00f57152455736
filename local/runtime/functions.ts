// Where the cloud functions live and which ones exist: every folder of cloudfunctions/ with an
// index.ts, except common/ (server code bundled into each, never deployed alone).
import fs from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');
export const FUNCTIONS_DIR = path.join(ROOT, 'cloudfunctions');

export function listFunctions(): string[] {
  return fs
    .readdirSync(FUNCTIONS_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== 'common' && fs.existsSync(path.join(FUNCTIONS_DIR, d.name, 'index.ts')))
    .map((d) => d.name)
    .sort();
}

export interface TimerTrigger {
  functionName: string;
  name: string;
  cron: string;
}

export function readTriggers(name: string): TimerTrigger[] {
  const file = path.join(FUNCTIONS_DIR, name, 'config.json');
  if (!fs.existsSync(file)) return [];
  const config = JSON.parse(fs.readFileSync(file, 'utf8')) as { triggers?: { name: string; type: string; config: string }[] };
  return (config.triggers ?? []).filter((t) => t.type === 'timer').map((t) => ({ functionName: name, name: t.name, cron: t.config }));
}

/** Newest modification time of any file under the given paths (directories walked, node_modules skipped). */
export function newestMtime(paths: string[], skip: (p: string) => boolean = () => false): number {
  let newest = 0;
  const walk = (p: string) => {
    if (!fs.existsSync(p) || skip(p)) return;
    const st = fs.statSync(p);
    if (st.isDirectory()) {
      if (path.basename(p) === 'node_modules') return;
      for (const entry of fs.readdirSync(p)) walk(path.join(p, entry));
    } else newest = Math.max(newest, st.mtimeMs);
  };
  paths.forEach(walk);
  return newest;
}

/** True when a function's built index.js is missing or older than its sources. */
export function functionsStale(): boolean {
  const sources = newestMtime([FUNCTIONS_DIR], (p) => p.endsWith('index.js') || p.endsWith('.js.map'));
  return listFunctions().some((name) => {
    const out = path.join(FUNCTIONS_DIR, name, 'index.js');
    return !fs.existsSync(out) || fs.statSync(out).mtimeMs < sources;
  });
}
