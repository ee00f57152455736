// Mini-program package sizes from the weapp build's output (dist/, built first when missing or older
// than src/ and config/): WeChat refuses a main package over 2 MB and a subpackage over 2 MB; our
// targets are a main package ≤ 1 MB (its code loads before the first page) and each subpackage ≤ 2 MB.
//   weapp_main_package_kb        everything in dist/ outside the subpackages' roots
//   weapp_largest_subpackage_kb  the largest subpackage
//   weapp_pkg_<root>_kb          each subpackage (root with / → _), reported
import fs from 'node:fs';
import path from 'node:path';
import { taroBuild } from '../local/cli/start';
import { newestMtime, ROOT } from '../local/runtime/functions';

const DIST = path.join(ROOT, 'dist');

function bytesUnder(dir: string): number {
  let total = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    // Source maps are not uploaded with the package.
    total += e.isDirectory() ? bytesUnder(p) : e.name.endsWith('.map') ? 0 : fs.statSync(p).size;
  }
  return total;
}

/** Sizes in bytes: the main package and each subpackage root of dist/app.json. */
export function packageSizes(dist = DIST): { main: number; subpackages: Record<string, number> } {
  const app = JSON.parse(fs.readFileSync(path.join(dist, 'app.json'), 'utf8')) as { subPackages?: { root: string }[]; subpackages?: { root: string }[] };
  const roots = (app.subPackages ?? app.subpackages ?? []).map((s) => s.root.replace(/\/$/, ''));
  const subpackages = Object.fromEntries(roots.map((r) => [r, fs.existsSync(path.join(dist, r)) ? bytesUnder(path.join(dist, r)) : 0]));
  const all = bytesUnder(dist);
  return { main: all - Object.values(subpackages).reduce((s, n) => s + n, 0), subpackages };
}

const stale = () => {
  const built = path.join(DIST, 'app.js');
  if (!fs.existsSync(built)) return true;
  return fs.statSync(built).mtimeMs < newestMtime(['src', 'config', 'babel.config.js'].map((p) => path.join(ROOT, p)));
};

export async function benchWeapp(): Promise<Record<string, number>> {
  if (stale()) await taroBuild('weapp', (line) => console.log(line));
  const { main, subpackages } = packageSizes();
  const kb = (n: number) => Math.round(n / 102.4) / 10;
  return {
    weapp_main_package_kb: kb(main),
    weapp_largest_subpackage_kb: kb(Math.max(0, ...Object.values(subpackages))),
    ...Object.fromEntries(Object.entries(subpackages).map(([root, n]) => [`weapp_pkg_${root.replace(/\//g, '_')}_kb`, kb(n)])),
  };
}
