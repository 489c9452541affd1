import { describe, expect, it } from 'vitest';
import { createProgress } from './progress.js';

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return {
    writes,
    stream: { isTTY, write: (text: string) => writes.push(text) > 0 },
  };
}

describe('createProgress', () => {
  it('draws percentages on a terminal for a large input and clears the line at the end', () => {
    const { writes, stream } = fakeStream(true);
    const progress = createProgress('remux big.flv', 100 * 1048576, stream);
    progress.update(50 * 1048576);
    progress.finish();
    expect(writes[0]).toBe('\rremux big.flv: 50.0% (50.0 MiB)');
    expect(writes[1]).toBe('\r\x1b[K');
  });

  it('stays silent when stderr is not a terminal or the input is small', () => {
    for (const [tty, size] of [
      [false, 1e9],
      [true, 1000],
    ] as const) {
      const { writes, stream } = fakeStream(tty);
      const progress = createProgress('x', size, stream);
      progress.update(size / 2);
      progress.finish();
      expect(writes).toEqual([]);
    }
  });
});
