// Other modules reach the ledger's documents only through what the ledger exports (ledger/access.ts,
// budgets.ts, service.ts): none names its collections or imports their names, so the ledger can
// change how it stores accounts (packed lots, say) without a foreign read going stale. The one
// exception is metrics/, whose roll-ups read the entries — the ledger's published, immutable record
// (docs/metrics.md). `settings` and `jobRuns` are shared by every module.
import fs from 'node:fs';
import path from 'node:path';
import { COLLECTIONS } from '../../cloudfunctions/common/ledger/model';

const ROOT = path.join(__dirname, '../../cloudfunctions');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) return d.name === 'node_modules' || [path.join(ROOT, 'common', 'ledger'), path.join(ROOT, 'common', 'metrics')].includes(p) ? [] : sources(p);
    return d.name.endsWith('.ts') ? [p] : [];
  });
}

test('no module outside the ledger names the ledger’s collections', () => {
  const names = Object.values(COLLECTIONS).filter((n) => n !== 'settings' && n !== 'jobRuns');
  const offences: string[] = [];
  for (const file of sources(ROOT)) {
    const text = fs.readFileSync(file, 'utf8');
    const rel = path.relative(ROOT, file);
    if (/import\s*\{[^}]*\bCOLLECTIONS\b[^}]*\}\s*from\s*'[./]*ledger\/model'/.test(text)) offences.push(`${rel}: imports the ledger's COLLECTIONS`);
    for (const n of names) {
      if (new RegExp(`collection\\(\\s*'${n}'\\s*\\)|from:\\s*'${n}'`).test(text)) offences.push(`${rel}: names '${n}'`);
    }
  }
  expect(offences).toEqual([]);
});
