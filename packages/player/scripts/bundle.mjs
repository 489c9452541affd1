// Builds the player bundles with esbuild (run after `tsc -b`, which type-checks and emits d.ts):
//   dist/tidecast-player.mjs  ESM for bundlers / <script type=module> (package entry)
//   dist/tidecast-player.js   one classic script exposing `Tidecast` (served at /tidecast-player.js)
// The transmux worker is built first and inlined as source text, so either file is self-contained
// and needs no second request or same-origin worker URL.
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const common = { bundle: true, target: 'es2020', legalComments: 'none', logLevel: 'warning' };

const worker = await build({
  ...common,
  entryPoints: [join(root, 'src/transmux/transmux-worker.ts')],
  format: 'iife',
  minify: true,
  write: false,
});
const workerSource = worker.outputFiles[0]?.text ?? '';
if (workerSource.length === 0) throw new Error('worker bundle is empty');
const define = { __TIDECAST_WORKER_SOURCE__: JSON.stringify(workerSource) };

mkdirSync(join(root, 'dist'), { recursive: true });
await build({
  ...common,
  entryPoints: [join(root, 'src/index.ts')],
  format: 'esm',
  define,
  sourcemap: true,
  outfile: join(root, 'dist/tidecast-player.mjs'),
});
await build({
  ...common,
  entryPoints: [join(root, 'src/index.ts')],
  format: 'iife',
  globalName: 'Tidecast',
  define,
  minify: true,
  sourcemap: true,
  outfile: join(root, 'dist/tidecast-player.js'),
});
