#!/usr/bin/env node
// The registry mirror here lacks some other-platform optional native packages, so `npm install`
// leaves them out of package-lock.json and a later `npm ci` rejects the lockfile ("Missing: ... from
// lock file"). This adds a placeholder entry for each missing optional dependency, marked with the
// os/cpu its name says it is for (or an os no machine of ours runs), so npm skips it.
// Rerun after adding a dependency: npm run fix-lock
const fs = require('node:fs');
const path = require('node:path');

const file = path.join(__dirname, '..', 'package-lock.json');
const lock = JSON.parse(fs.readFileSync(file, 'utf8'));
const pkgs = lock.packages;

const OS = ['darwin', 'win32', 'linux', 'android', 'freebsd', 'openharmony', 'sunos', 'netbsd', 'openbsd', 'aix'];
const CPU = ['arm64', 'x64', 'ia32', 'arm', 'loong64', 'ppc64', 's390x', 'riscv64', 'mips64el', 'wasm32'];

function resolves(from, dep) {
  let base = from;
  for (;;) {
    if (pkgs[`${base ? `${base}/` : ''}node_modules/${dep}`]) return true;
    if (!base) return false;
    const i = base.lastIndexOf('/node_modules/');
    base = i < 0 ? '' : base.slice(0, i);
  }
}

function platformOf(name) {
  const parts = name.toLowerCase().split(/[-/]/);
  const os = OS.find((o) => parts.includes(o) || (o === 'win32' && parts.includes('windows')));
  const cpu = CPU.find((c) => parts.includes(c) || (c === 'arm' && parts.includes('eabi')));
  const entry = { os: [os ?? 'aix'] };
  if (os && cpu) entry.cpu = [cpu];
  if (parts.includes('musl') || parts.includes('musleabihf')) entry.libc = ['musl'];
  else if (parts.includes('gnu') || parts.includes('gnueabihf')) entry.libc = ['glibc'];
  return entry;
}

// Placeholders are recognisable: optional, no integrity. Drop them so each run recomputes them.
for (const [key, entry] of Object.entries(pkgs)) {
  if (key && entry.optional && !entry.integrity && !entry.link && entry.os) delete pkgs[key];
}

let added = 0;
for (const [where, info] of Object.entries({ ...pkgs })) {
  for (const [dep, range] of Object.entries(info.optionalDependencies ?? {})) {
    if (resolves(where, dep)) continue;
    const key = `${where ? `${where}/` : ''}node_modules/${dep}`;
    const version = /^\d+\.\d+\.\d+/.test(range) ? range : '0.0.0';
    const entry = { version, dev: info.dev || undefined, optional: true, ...platformOf(dep) };
    // A dist-tag spec ("latest") is only valid with a registry resolution; npm never fetches it
    // because the os/cpu marks rule it out.
    if (version === '0.0.0') entry.resolved = `https://registry.npmjs.org/${dep}/-/${dep.split('/').pop()}-0.0.0.tgz`;
    pkgs[key] = entry;
    added++;
  }
}
fs.writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`package-lock.json: ${added} placeholder entr${added === 1 ? 'y' : 'ies'} added for other-platform optional packages`);
