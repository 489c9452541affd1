import { describe, it, expect } from 'vitest';
import {
  QueueAbortedError,
  SourceBufferQueue,
  isQuotaExceededError,
} from './source-buffer-queue.js';
import { FakeSourceBuffer, fakeSegment } from './test-support/fake-mse.js';

function setup(): { sb: FakeSourceBuffer; queue: SourceBufferQueue } {
  const sb = new FakeSourceBuffer('video/mp4');
  return { sb, queue: new SourceBufferQueue(sb) };
}

describe('SourceBufferQueue', () => {
  it('runs one operation at a time, in order, each with its own promise', async () => {
    const { sb, queue } = setup();
    const results = await Promise.all([
      queue.append(fakeSegment(0, 1)),
      queue.setTimestampOffset(10),
      queue.append(fakeSegment(1, 2)),
      queue.remove(10, 10.5),
      queue.changeType('video/mp4; codecs="hvc1.1.6.L93.B0"'),
    ]);
    expect(results).toEqual(['appended', undefined, 'appended', undefined, undefined]);
    // Calling appendBuffer while updating would have thrown InvalidStateError: order proves serialization.
    expect(sb.log).toEqual([
      'append 64',
      'offset 10',
      'append 64',
      'remove 10.000 10.500',
      'changeType video/mp4; codecs="hvc1.1.6.L93.B0"',
    ]);
    expect(queue.length).toBe(0);
  });

  it('keeps later operations queued while an append is in flight', async () => {
    const { sb, queue } = setup();
    sb.autoFinish = false;
    const first = queue.append(fakeSegment(0, 1));
    const second = queue.append(fakeSegment(1, 2));
    expect(queue.length).toBe(2);
    expect(sb.log).toEqual(['append 64']);
    sb.finishUpdate();
    await expect(first).resolves.toBe('appended');
    expect(sb.log).toEqual(['append 64', 'append 64']);
    sb.finishUpdate();
    await expect(second).resolves.toBe('appended');
  });

  it('reports QuotaExceededError as a result, not a rejection, and carries on', async () => {
    const { sb, queue } = setup();
    sb.capacityBytes = 100;
    await expect(queue.append(fakeSegment(0, 1, 64))).resolves.toBe('appended');
    await expect(queue.append(fakeSegment(1, 2, 64))).resolves.toBe('quota');
    await expect(queue.remove(0, 1)).resolves.toBeUndefined();
    await expect(queue.append(fakeSegment(1, 2, 64))).resolves.toBe('appended');
  });

  it("rejects an append whose 'error' event fired, then continues with the next", async () => {
    const { sb, queue } = setup();
    sb.failNextAppend = true;
    const bad = queue.append(fakeSegment(0, 1));
    const good = queue.append(fakeSegment(1, 2));
    await expect(bad).rejects.toThrow(/append failed/);
    await expect(good).resolves.toBe('appended');
  });

  it('rejects synchronous errors other than quota', async () => {
    const { queue } = setup();
    await expect(queue.remove(5, 1)).rejects.toBeInstanceOf(TypeError);
  });

  it('destroy aborts the running update, rejects everything queued and detaches', async () => {
    const { sb, queue } = setup();
    sb.autoFinish = false;
    const running = queue.append(fakeSegment(0, 1));
    const queued = queue.remove(0, 1);
    queue.destroy();
    await expect(running).rejects.toBeInstanceOf(QueueAbortedError);
    await expect(queued).rejects.toBeInstanceOf(QueueAbortedError);
    await expect(queue.append(fakeSegment(1, 2))).rejects.toBeInstanceOf(QueueAbortedError);
    expect(sb.log).toEqual(['append 64', 'abort']);
    expect(sb.updating).toBe(false);
  });

  it('recognises QuotaExceededError by name', () => {
    expect(isQuotaExceededError(new DOMException('x', 'QuotaExceededError'))).toBe(true);
    expect(isQuotaExceededError(new DOMException('x', 'InvalidStateError'))).toBe(false);
    expect(isQuotaExceededError('QuotaExceededError')).toBe(false);
  });
});
