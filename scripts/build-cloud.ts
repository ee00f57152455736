// Bundles each cloud function's index.ts (plus cloudfunctions/common) into a deployable index.js.
// wx-server-sdk stays external, and so does every other dependency a function's package.json lists
// (the cloud installs them; e.g. pdfkit reads its font metrics from its own folder at run time, which
// a bundle would break).
import fs from 'node:fs';
import { build } from 'esbuild';
import { listFunctions, FUNCTIONS_DIR } from '../local/runtime/functions';
import path from 'node:path';

function externalsOf(name: string): string[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(FUNCTIONS_DIR, name, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  return [...new Set(['wx-server-sdk', ...Object.keys(pkg.dependencies ?? {})])];
}

export async function buildCloudFunctions(names = listFunctions()): Promise<void> {
  await Promise.all(
    names.map((name) =>
      build({
        entryPoints: [path.join(FUNCTIONS_DIR, name, 'index.ts')],
        outfile: path.join(FUNCTIONS_DIR, name, 'index.js'),
        bundle: true,
        platform: 'node',
        target: 'node16', // the oldest Node runtime WeChat Cloud offers for functions
        format: 'cjs',
        external: externalsOf(name),
        sourcemap: false,
        legalComments: 'none',
        logLevel: 'warning',
        banner: { js: `// Built from cloudfunctions/${name}/index.ts by npm run build:cloud. Do not edit.` },
      }),
    ),
  );
}

if (require.main === module) {
  const started = Date.now();
  buildCloudFunctions()
    .then(() => console.log(`built ${listFunctions().join(', ')} in ${Date.now() - started} ms`))
    .catch((e) => {
      console.error(e);
      process.exit(1);
    });
}
