/**
 * Finds the FLV the demo stream loops. An explicit `demo.file` wins; otherwise, when running
 * from a repository checkout, the newest `demo-loop.<key>.flv` that the fixtures script left
 * in fixtures/cache/ (made by `npm run fixtures -- demo-loop.flv`). The shipped package has no
 * fixtures, so there the demo needs `demo.file` or stays off with a warning.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** fixtures/cache/ of the checkout this module runs from (src/demo or dist/demo alike). */
export const REPO_FIXTURE_CACHE = fileURLToPath(
  new URL('../../../../fixtures/cache/', import.meta.url),
);

const DEMO_ENTRY = /^demo-loop\.[0-9a-f]{12}\.flv$/;

export type DemoSource = { ok: true; path: string } | { ok: false; reason: string };

async function isFile(path: string): Promise<number | null> {
  try {
    const info = await stat(path);
    return info.isFile() && info.size > 0 ? info.mtimeMs : null;
  } catch {
    return null;
  }
}

export async function findDemoFile(
  file: string | undefined,
  cacheDir: string = REPO_FIXTURE_CACHE,
): Promise<DemoSource> {
  if (file !== undefined) {
    return (await isFile(file)) === null
      ? { ok: false, reason: `demo.file ${file} does not exist or is empty` }
      : { ok: true, path: file };
  }
  let entries: string[] = [];
  try {
    entries = await readdir(cacheDir);
  } catch {
    // No checkout around us: fall through to the hint below.
  }
  let best: { path: string; mtime: number } | undefined;
  for (const entry of entries.filter((e) => DEMO_ENTRY.test(e))) {
    const path = join(cacheDir, entry);
    const mtime = await isFile(path);
    if (mtime !== null && (best === undefined || mtime > best.mtime)) best = { path, mtime };
  }
  if (best !== undefined) return { ok: true, path: best.path };
  return {
    ok: false,
    reason:
      'no demo clip found: run `npm run fixtures -- demo-loop.flv` in the repository, ' +
      'or set demo.file (--demo-file / TIDECAST_DEMO_FILE) to any H.264/AAC FLV',
  };
}
