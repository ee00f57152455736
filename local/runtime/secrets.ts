// Function environment variables the local cloud provides, as the cloud console would: the code
// signing keys (CODE_SECRETS, see docs/codes.md) and PAYOUT_PROVIDER=simulated. With a data directory the secret is generated once
// into it (so printed codes stay valid across restarts); without one (tests) a per-process secret is
// used. A value already in the environment always wins. Production code reads only process.env.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const CODE_SECRETS_FILE = 'code-secrets';

export function ensureLocalSecrets(dataDir: string | null): void {
  // Red packets go to the simulated payout provider locally (docs/codes.md).
  process.env.PAYOUT_PROVIDER ??= 'simulated';
  if (process.env.CODE_SECRETS) return;
  if (!dataDir) {
    process.env.CODE_SECRETS = `1:${randomBytes(32).toString('base64url')}`;
    return;
  }
  const file = path.join(dataDir, CODE_SECRETS_FILE);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(file, `1:${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  }
  process.env.CODE_SECRETS = fs.readFileSync(file, 'utf8').trim();
}
