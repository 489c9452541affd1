import { afterEach, describe, expect, it, vi } from 'vitest';
import { StreamRegistry, streamKey } from './stream-registry.js';
import { RecordingSink, aacTrack, avcTrack } from './test-support/hub-fixtures.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('StreamRegistry', () => {
  it('allows one publisher per key and hands a stream in grace to the next one', () => {
    vi.useFakeTimers();
    const registry = new StreamRegistry({ reconnectGraceMs: 5000 });
    const key = streamKey('live', 'cam');
    const stream = registry.acquirePublisher(key, 'a');
    expect(stream).not.toBe('busy');
    expect(registry.acquirePublisher(key, 'b')).toBe('busy');
    registry.releasePublisher(key, 'a');
    vi.advanceTimersByTime(1000);
    expect(registry.acquirePublisher(key, 'b')).toBe(stream);
    expect(registry.list().map((s) => s.key)).toEqual(['live/cam']);
  });

  it('frees a stream once the grace period passes, after ending its viewers', () => {
    vi.useFakeTimers();
    const ended: string[] = [];
    const registry = new StreamRegistry({
      reconnectGraceMs: 2000,
      onStreamEnd: (s) => ended.push(s.key),
    });
    const stream = registry.acquirePublisher('live/x', 'p');
    if (stream === 'busy') throw new Error('unexpected busy');
    stream.setTrack(avcTrack);
    stream.setTrack(aacTrack);
    const sink = new RecordingSink();
    stream.subscribe({ protocol: 'flv-http', id: 'v', sink });
    registry.releasePublisher('live/x', 'p');
    vi.advanceTimersByTime(1999);
    expect(registry.get('live/x')).toBe(stream);
    vi.advanceTimersByTime(1);
    expect(sink.closedWith).toBe('end-of-stream');
    expect(registry.get('live/x')).toBeUndefined();
    expect(registry.size).toBe(0);
    expect(ended).toEqual(['live/x']);
    // The key is free again: a new publisher gets a fresh stream.
    const next = registry.acquirePublisher('live/x', 'q');
    expect(next).not.toBe(stream);
    expect(next).not.toBe('busy');
  });

  it('ends a kicked stream at once, and disposes everything on server stop', () => {
    const registry = new StreamRegistry();
    const kicked: string[] = [];
    const one = registry.acquirePublisher('live/1', 'p1', { kick: () => kicked.push('p1') });
    const two = registry.acquirePublisher('live/2', 'p2');
    if (one === 'busy' || two === 'busy') throw new Error('unexpected busy');
    const sink = new RecordingSink();
    two.subscribe({ protocol: 'rtmp', id: 'v', sink });
    expect(one.kickPublisher()).toBe(true);
    expect(kicked).toEqual(['p1']);
    expect(registry.get('live/1')).toBeUndefined();
    registry.disposeAll();
    expect(sink.closedWith).toBe('stream-disposed');
    expect(registry.size).toBe(0);
  });

  it('tells publish listeners about every attached publisher, not about refused ones', () => {
    vi.useFakeTimers();
    const registry = new StreamRegistry({ reconnectGraceMs: 1000 });
    const heard: string[] = [];
    const stop = registry.onPublish((key) => heard.push(`${key}:${registry.get(key)?.state}`));
    registry.acquirePublisher('live/a', 'p1');
    registry.acquirePublisher('live/a', 'p2'); // busy: not announced
    registry.releasePublisher('live/a', 'p1');
    registry.acquirePublisher('live/a', 'p2'); // grace takeover
    stop();
    registry.acquirePublisher('live/b', 'p3');
    expect(heard).toEqual(['live/a:live', 'live/a:live']);
  });
});
