// Starts the local cloud exactly as `npm start` does (a child process running local/cli/start.ts
// on a fresh data directory and a free port) and a headless Chromium page pointed at it.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath } from './chromium';

const ROOT = path.resolve(__dirname, '..', '..');
export const ARTIFACTS = path.join(ROOT, 'test-artifacts', 'e2e');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export interface E2E {
  url: string;
  browser: Browser;
  page: Page;
  output: () => string;
  stop(): Promise<void>;
}

export async function startE2E(): Promise<E2E> {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jifen-e2e-'));
  let output = '';
  const child: ChildProcess = spawn(path.join(ROOT, 'node_modules', '.bin', 'tsx'), ['local/cli/start.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`npm start exited early:\n${output}`);
    try {
      const res = await fetch(`${url}/api/local/personas`);
      if (res.ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) throw new Error(`server did not come up:\n${output}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  const stopServer = async () => {
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  const executablePath = chromiumPath();
  let browser: Browser;
  try {
    if (!executablePath) throw new Error('Chromium not found (npm test installs it when run as root)');
    // Playwright gives each launch a fresh temporary profile (the --user-data-dir Chromium needs).
    browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  } catch (e) {
    await stopServer();
    throw e;
  }
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, locale: 'zh-CN' });
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  return {
    url,
    browser,
    page,
    output: () => output + (consoleErrors.length ? `\npage errors:\n${consoleErrors.join('\n')}` : ''),
    async stop() {
      await browser.close().catch(() => {});
      await stopServer();
    },
  };
}

/** One local cloud + browser for a test file: started before its tests, stopped after. */
export function useE2E(): () => E2E {
  let e2e: E2E | undefined;
  beforeAll(async () => {
    e2e = await startE2E();
  }, 120_000);
  afterAll(async () => {
    await e2e?.stop();
  });
  return () => {
    if (!e2e) throw new Error('the e2e server did not start');
    return e2e;
  };
}

/** A selector inside the page that has finished its slide-in (H5 screenshots are blank during it). */
export const stationed = (sel: string) => `.taro_page_stationed ${sel}`;

export const screenshot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
