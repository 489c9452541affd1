// Builds the Tidecast pages into apps/web/dist (served by the server at /, /watch.html, ...):
//   dist/*.html, dist/assets/style.css   copied from public/
//   dist/assets/{dashboard,watch,embed}.js  one ESM bundle per page (+ source maps)
// The pages import the player from its TypeScript source, so they always match the checkout.
// The transmux worker is bundled here with the same esbuild settings as
// packages/player/scripts/bundle.mjs and injected as `__TIDECAST_WORKER_SOURCE__`: the page
// bundles are self-contained and this build does not depend on the player bundle's output.
// Needs `tsc -b` first (the player imports @tidecast/media from packages/media/dist).
import { build } from 'esbuild';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = join(dirname(fileURLToPath(import.meta.url)), '..');
const repo = join(web, '../..');
const dist = join(web, 'dist');
const workerEntry = join(repo, 'packages/player/src/transmux/transmux-worker.ts');
const pages = ['dashboard', 'watch', 'embed'];
const common = { bundle: true, target: 'es2020', legalComments: 'none', logLevel: 'warning' };

if (!existsSync(workerEntry)) {
  throw new Error(
    `missing ${relative(repo, workerEntry)}: the player worker is needed for the pages`,
  );
}
const worker = await build({
  ...common,
  entryPoints: [workerEntry],
  format: 'iife',
  minify: true,
  write: false,
});
const workerSource = worker.outputFiles[0]?.text ?? '';
if (workerSource.length === 0) throw new Error('worker bundle is empty');

rmSync(dist, { recursive: true, force: true });
mkdirSync(join(dist, 'assets'), { recursive: true });
cpSync(join(web, 'public'), dist, { recursive: true });

const result = await build({
  ...common,
  entryPoints: Object.fromEntries(pages.map((p) => [p, join(web, 'src', `${p}.ts`)])),
  outdir: join(dist, 'assets'),
  format: 'esm',
  minify: true,
  sourcemap: true,
  metafile: true,
  define: { __TIDECAST_WORKER_SOURCE__: JSON.stringify(workerSource) },
});

for (const [file, info] of Object.entries(result.metafile.outputs)) {
  if (!file.endsWith('.js')) continue;
  console.log(
    `${relative(repo, join(process.cwd(), file))}  ${(info.bytes / 1024).toFixed(1)} KiB`,
  );
}
