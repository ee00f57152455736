// The local server: the H5 build, POST /api/cloud/<fn> into the runner, and local-only endpoints
// (personas, timer triggers on demand, request stats). It binds to loopback only.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { eventProblem } from '../../cloudfunctions/common/inputs';
import type { Runner } from '../runtime/runner';
import { allTriggers, fireTrigger, nextRuns } from '../runtime/timers';
import { handleLocalPay } from './pay';
import { DEFAULT_PERSONA_ID, findPersona, PERSONAS } from '../seed/personas';
import { demoImage } from '../seed/images';

const MAX_BODY = 1024 * 1024; // the platform's event size limit is in this range
const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'application/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.map': 'application/json',
};

export interface ServerOptions {
  runner: Runner;
  staticDir: string;
  log?: (line: string) => void;
}

function send(res: http.ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text);
}

/** A URL path segment decoded, or null when its percent-encoding is malformed (`%E0%A4%A`, `%ZZ`). */
function decodePath(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

const badPath = (res: http.ServerResponse) => send(res, 400, { ok: false, code: 'BAD_REQUEST', message: 'malformed percent-encoding in the path' });

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    // An oversized body is drained (so the client reads our 413) but not kept.
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
      else if (size > 16 * MAX_BODY) req.destroy();
    });
    req.on('end', () =>
      size > MAX_BODY ? reject(Object.assign(new Error('body too large'), { status: 413 })) : resolve(Buffer.concat(chunks).toString('utf8')),
    );
    req.on('error', reject);
  });
}

export function createServer({ runner, staticDir, log = () => {} }: ServerOptions): http.Server {
  const functionNames = new Set(runner.functionNames);

  async function callFunction(req: http.IncomingMessage, res: http.ServerResponse, name: string) {
    if (!functionNames.has(name)) return send(res, 404, { ok: false, code: 'NOT_FOUND', message: `no function ${name}` });
    const personaHeader = req.headers['x-persona'];
    const persona = findPersona(typeof personaHeader === 'string' && personaHeader ? personaHeader : DEFAULT_PERSONA_ID);
    if (!persona) return send(res, 400, { ok: false, code: 'BAD_REQUEST', message: `unknown persona ${personaHeader}` });
    let event: unknown;
    try {
      const text = await readBody(req);
      event = text ? JSON.parse(text) : {};
    } catch (e) {
      const status = (e as { status?: number }).status ?? 400;
      return send(res, status, { ok: false, code: 'BAD_REQUEST', message: status === 413 ? 'body too large' : 'body is not JSON' });
    }
    if (!event || typeof event !== 'object' || Array.isArray(event)) {
      return send(res, 400, { ok: false, code: 'BAD_REQUEST', message: 'event must be a JSON object' });
    }
    // The functions' own structural check, here too: the runner copies the event through JSON (as the
    // platform does), which a body nested thousands deep would overflow before any function ran.
    const problem = eventProblem(event);
    if (problem) return send(res, 400, { ok: false, code: 'BAD_REQUEST', message: problem });
    const { result, ms, dbRequests } = await runner.callAsMember(name, event as Record<string, unknown>, persona.openid, {
      CLIENTIP: req.socket.remoteAddress ?? '',
    });
    log(`${persona.id} ${name}.${(event as { action?: string }).action ?? '?'} ${Math.round(ms)} ms, ${dbRequests} db requests`);
    send(res, 200, result);
  }

  function serveStatic(res: http.ServerResponse, urlPath: string) {
    const decoded = decodePath(urlPath);
    if (decoded === null) return badPath(res);
    const safe = path.normalize(decoded).replace(/^(\.\.[/\\])+/, '');
    let file = path.join(staticDir, safe);
    if (!file.startsWith(staticDir)) return send(res, 403, { ok: false, code: 'FORBIDDEN', message: 'outside the app' });
    if (!fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      // Client-side routes fall back to the app shell.
      file = path.join(staticDir, 'index.html');
      if (!fs.existsSync(file)) {
        res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
        return res.end('H5 build missing: run npm run build:h5 (npm start does it for you).');
      }
    }
    const type = MIME[path.extname(file)] ?? 'application/octet-stream';
    res.writeHead(200, { 'content-type': type, 'cache-control': file.endsWith('index.html') ? 'no-cache' : 'public, max-age=300' });
    fs.createReadStream(file).pipe(res);
  }

  return http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://local');
    const parts = url.pathname.split('/').filter(Boolean);
    const handle = async () => {
      if (parts[0] === 'api') {
        if (parts[1] === 'cloud' && parts.length === 3 && req.method === 'POST') return callFunction(req, res, parts[2]);
        // The brand's server calling a function through the cloud's HTTP API (no member; the event carries the secret).
        if (parts[1] === 'local' && parts[2] === 'brand' && parts.length === 4 && req.method === 'POST' && functionNames.has(parts[3])) {
          const { result } = await runner.invoke(parts[3], JSON.parse((await readBody(req)) || '{}'), { SOURCE: 'wx_http' });
          return send(res, 200, result);
        }
        if (parts[1] === 'local') {
          if (parts[2] === 'personas' && req.method === 'GET') {
            return send(res, 200, {
              ok: true,
              data: {
                personas: PERSONAS.map(({ id, nickname, role, description }) => ({ id, nickname, role, description })),
                defaultId: DEFAULT_PERSONA_ID,
              },
            });
          }
          if (parts[2] === 'triggers' && req.method === 'GET') return send(res, 200, { ok: true, data: nextRuns() });
          if (parts[2] === 'triggers' && parts.length === 5 && req.method === 'POST') {
            const trigger = allTriggers().find((t) => t.functionName === parts[3] && t.name === parts[4]);
            if (!trigger) return send(res, 404, { ok: false, code: 'NOT_FOUND', message: 'no such trigger' });
            const { result } = await fireTrigger(runner, trigger);
            return send(res, 200, { ok: true, data: result });
          }
          if (parts[2] === 'files' && parts.length > 3 && req.method === 'GET') {
            // What cloud.uploadFile stored (e.g. code exports): fileID cloud://local/<path> → /api/local/files/<path>.
            const rel = decodePath(parts.slice(3).join('/'));
            if (rel === null) return badPath(res);
            const file = path.join(runner.filesDir, path.normalize(rel));
            if (!file.startsWith(runner.filesDir + path.sep) || !fs.existsSync(file)) return send(res, 404, { ok: false, code: 'NOT_FOUND', message: 'no such file' });
            res.writeHead(200, { 'content-type': MIME[path.extname(file)] ?? (file.endsWith('.pdf') ? 'application/pdf' : file.endsWith('.csv') ? 'text/csv; charset=utf-8' : 'application/octet-stream'), 'cache-control': 'no-store' });
            return void fs.createReadStream(file).pipe(res);
          }
          if (parts[2] === 'pay' && parts.length === 4 && (req.method === 'GET' || req.method === 'POST')) {
            return handleLocalPay(runner, req, res, parts[3], () => readBody(req));
          }
          if (parts[2] === 'demo-images' && parts.length === 4 && req.method === 'GET') {
            // The demo catalog's pictures, drawn as SVG by local/seed/images.ts (local only).
            const svg = demoImage(parts[3]);
            if (!svg) return send(res, 404, { ok: false, code: 'NOT_FOUND', message: 'no such picture' });
            res.writeHead(200, { 'content-type': 'image/svg+xml', 'cache-control': 'public, max-age=3600' });
            return void res.end(svg);
          }
          if (parts[2] === 'stats' && req.method === 'GET') {
            return send(res, 200, { ok: true, data: { actions: Object.fromEntries(runner.stats), engine: runner.engine.stats } });
          }
        }
        return send(res, 404, { ok: false, code: 'NOT_FOUND', message: `no route ${req.method} ${url.pathname}` });
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, { ok: false, code: 'BAD_REQUEST', message: 'method not allowed' });
      serveStatic(res, url.pathname);
    };
    handle().catch((e) => {
      log(`error: ${(e as Error).stack ?? e}`);
      if (!res.headersSent) send(res, 500, { ok: false, code: 'INTERNAL', message: 'local server error' });
      else res.end();
    });
  });
}
