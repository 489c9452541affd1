import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * End-to-end tests run the compiled `tidecast` bin and load the player bundle and web pages the
 * server serves, so build once before any test file loads (`npm run build`: tsc -b, then the
 * esbuild bundles; incremental tsc is a no-op when `npm test` has just type-checked).
 */
export default function setup(): void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const run = (args: string[]): void => {
    execFileSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  };
  run([`${root}node_modules/typescript/bin/tsc`, '-b']);
  run([`${root}packages/player/scripts/bundle.mjs`]);
  run([`${root}apps/web/scripts/build.mjs`]);
}
