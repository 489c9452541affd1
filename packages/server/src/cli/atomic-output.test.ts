import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AtomicOutput } from './atomic-output.js';
import { BatchedWriter } from './batched-writer.js';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tidecast-atomic-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('AtomicOutput', () => {
  it('only shows the final name once committed, with back-patched bytes', async () => {
    const target = join(dir, 'out.bin');
    const out = await AtomicOutput.create(target);
    await out.write(new Uint8Array([1, 2, 3, 4]));
    await out.write(new Uint8Array([5, 6]));
    expect(out.size).toBe(6);
    await out.writeAt(1, new Uint8Array([9, 9]));
    expect(await readdir(dir)).not.toContain('out.bin');
    await out.commit();
    expect([...(await readFile(target))]).toEqual([1, 9, 9, 4, 5, 6]);
    expect(await readdir(dir)).toEqual(['out.bin']);
  });

  it('leaves nothing behind when aborted, and refuses writes after', async () => {
    const out = await AtomicOutput.create(join(dir, 'never.bin'));
    await out.write(new Uint8Array(1000));
    await out.abort();
    expect(await readdir(dir)).toEqual([]);
    await expect(out.write(new Uint8Array(1))).rejects.toThrow(/already closed/);
    await out.abort();
  });
});

describe('BatchedWriter', () => {
  it('joins small writes into large ones in order and tracks the position', async () => {
    const target = join(dir, 'batched.bin');
    const out = await AtomicOutput.create(target);
    const writer = new BatchedWriter(out, 10);
    const expected: number[] = [];
    for (let i = 0; i < 50; i++) {
      const part = new Uint8Array([i, i + 1, i + 2]);
      expected.push(...part);
      await writer.write(part);
      expect(writer.position).toBe(expected.length);
      expect(out.size).toBeLessThanOrEqual(expected.length);
    }
    await writer.flush();
    await out.commit();
    expect([...(await readFile(target))]).toEqual(expected);
  });
});
