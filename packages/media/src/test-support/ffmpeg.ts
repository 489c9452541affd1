import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/**
 * ffmpeg / ffprobe (5.1, on PATH) as the external judge: media made on the fly into a temp
 * dir, and ffprobe's JSON read back. Every helper throws with ffmpeg's stderr on failure.
 */

/** A fresh directory under os.tmpdir(), removed when the calling test file finishes. */
export function useTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Runs `fn` with a fresh temp directory and removes it afterwards, whatever happens. */
export function withTempDir<T>(prefix: string, fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `ffmpeg -nostdin -v error -y <args>` (run in `cwd` when given); the output is among `args`. */
export function ffmpeg(args: readonly string[], cwd?: string): void {
  execFileSync('ffmpeg', ['-nostdin', '-v', 'error', '-y', ...args], { stdio: 'pipe', cwd });
}

/** A file's contents as a plain Uint8Array. */
export function readBytes(file: string): Uint8Array {
  return new Uint8Array(readFileSync(file));
}

/** `ffprobe -v error -of json <args> <file>`, parsed; the caller states the shape it asked for. */
export function ffprobe<T>(file: string, args: readonly string[]): T {
  const out = execFileSync('ffprobe', ['-v', 'error', '-of', 'json', ...args, file], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  return JSON.parse(out) as T;
}

/** One ffprobe stream entry, its fields as ffprobe prints them. */
export type ProbedStream = Record<string, string | number | undefined>;

/** The first stream of `file` (`-show_streams` plus `args`); throws when there is none. */
export function probeFirstStream(file: string, args: readonly string[] = []): ProbedStream {
  const first = ffprobe<{ streams?: ProbedStream[] }>(file, [...args, '-show_streams'])
    .streams?.[0];
  if (first === undefined) throw new Error(`ffprobe found no stream in ${file}`);
  return first;
}

/** ffprobe's `-show_data` hexdump (`00000000: 014d 400d ...  .M@.` lines) back to bytes. */
export function hexdumpBytes(dump: string | undefined): Uint8Array {
  const hex = (dump ?? '')
    .split('\n')
    .map((line) => /^[0-9a-f]{8}: ((?:[0-9a-f]{2,4} ?)+)/.exec(line)?.[1] ?? '')
    .join('')
    .replace(/ /g, '');
  return Uint8Array.from(hex.match(/../g) ?? [], (h) => parseInt(h, 16));
}
