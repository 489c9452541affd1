/**
 * Progress on stderr for long file jobs: only when stderr is a terminal and the input is large,
 * redrawn at most a few times per second so it never costs measurable time.
 */
export interface Progress {
  update(doneBytes: number): void;
  finish(): void;
}

const LARGE_INPUT_BYTES = 32 * 1024 * 1024;
const REDRAW_MS = 250;

/** The part of a tty.WriteStream that progress drawing uses. */
export interface ProgressStream {
  isTTY?: boolean;
  write(text: string): boolean;
}

export function createProgress(
  label: string,
  totalBytes: number,
  stream: ProgressStream = process.stderr,
): Progress {
  if (!stream.isTTY || totalBytes < LARGE_INPUT_BYTES) {
    return { update: () => undefined, finish: () => undefined };
  }
  let last = 0;
  let drawn = false;
  return {
    update(doneBytes) {
      const now = Date.now();
      if (now - last < REDRAW_MS) return;
      last = now;
      drawn = true;
      const pct = Math.min(100, (doneBytes / totalBytes) * 100).toFixed(1);
      const mb = (doneBytes / 1048576).toFixed(1);
      stream.write(`\r${label}: ${pct}% (${mb} MiB)`);
    },
    finish() {
      if (drawn) stream.write('\r\x1b[K');
    },
  };
}
