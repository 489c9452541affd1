import { describe, expect, it } from 'vitest';
import { headerChunk } from './stream-output.js';
import type { StreamChunk } from './stream-output.js';
import { SubscriberQueue } from './subscriber-queue.js';
import { TurnBatch } from './turn-batch.js';
import { RecordingSink } from './test-support/hub-fixtures.js';

function chunk(
  kind: 'video' | 'audio',
  dtsMs: number,
  keyframe: boolean,
  size: number,
): StreamChunk {
  return { bytes: new Uint8Array(size), kind, keyframe, dtsMs, frames: 1 };
}

/** 25 fps video (1000-byte frames, keyframe every 25) with 2 audio frames per video frame. */
function* liveChunks(count: number): Generator<StreamChunk> {
  for (let i = 0; i < count; i++) {
    yield chunk('video', i * 40, i % 25 === 0, 1000);
    yield chunk('audio', i * 40, true, 100);
    yield chunk('audio', i * 40 + 20, true, 100);
  }
}

describe('SubscriberQueue', () => {
  it('gives a fast sink every chunk in order, one cork/uncork per flush', () => {
    const sink = new RecordingSink();
    const queue = new SubscriberQueue(sink);
    const sent: StreamChunk[] = [];
    let batches = 0;
    for (const c of liveChunks(100)) {
      sent.push(c);
      queue.push(c);
      if (sent.length % 3 === 0) {
        queue.flush();
        batches++;
      }
    }
    expect(sink.writes.length).toBe(sent.length);
    for (let i = 0; i < sent.length; i++) expect(sink.writes[i]).toBe(sent[i]?.bytes);
    expect(sink.corks).toBe(batches);
    expect(sink.uncorks).toBe(batches);
    expect(queue.stats().droppedFrames).toBe(0);
  });

  it('delivers a turn in one write of shared framed bytes while in sync, chunk by chunk when not', () => {
    const framing = { frame: (p: Uint8Array) => Uint8Array.of(p.length & 0xff, ...p) };
    const framed: Uint8Array[] = [];
    const sink = new RecordingSink();
    const framedSink = Object.assign(sink, {
      framing,
      writeFramed(wire: Uint8Array): boolean {
        framed.push(wire);
        return !sink.stuck;
      },
    });
    const queue = new SubscriberQueue(framedSink);
    const other = new SubscriberQueue(new RecordingSink());
    const chunks = [...liveChunks(4)];
    const first = new TurnBatch(chunks.slice(0, 6));
    queue.deliver(first);
    other.deliver(first);
    expect(framed).toEqual([first.wire(framing)]);
    expect(framed[0]).toBe(first.wire(framing)); // built once, shared
    expect(framed[0]?.length).toBe(1 + 2 * 1200);
    // The sink fills up: the next turn waits in the queue, chunk by chunk, until drain.
    sink.stuck = true;
    queue.deliver(new TurnBatch(chunks.slice(6, 9)));
    expect(framed.length).toBe(2);
    queue.deliver(new TurnBatch(chunks.slice(9)));
    expect(framed.length).toBe(2);
    expect(queue.stats().queuedChunks).toBe(3);
    sink.drain();
    expect(sink.writes).toEqual(chunks.slice(9).map((c) => c.bytes));
    expect(queue.stats()).toMatchObject({ queuedChunks: 0, behindMs: 0, droppedFrames: 0 });
    expect(queue.stats().writtenBytes).toBe(chunks.reduce((n, c) => n + c.bytes.length, 0));
  });

  it('bounds a stuck viewer, drops video to the next keyframe, keeps audio, then disconnects', () => {
    let now = 0;
    const sink = new RecordingSink();
    const queue = new SubscriberQueue(sink, {
      maxQueueBytes: 20_000,
      maxBehindMs: 3000,
      now: () => now,
    });
    sink.stuck = true;
    const written: StreamChunk[] = [];
    let maxQueued = 0;
    for (const c of liveChunks(250)) {
      now = c.dtsMs;
      if (!queue.push(c)) break;
      queue.flush();
      maxQueued = Math.max(maxQueued, queue.stats().queuedBytes);
      written.push(c);
    }
    // Only the first write reached the stuck sink; the queue never held more than its budget.
    expect(sink.writes.length).toBe(1);
    expect(maxQueued).toBeLessThanOrEqual(20_000);
    const stats = queue.stats();
    expect(stats.droppedFrames).toBeGreaterThan(0);
    expect(queue.closed).toBe(true);
    expect(sink.closedWith).toBe('too-slow');
    // Disconnected at the limit: about 3 s of 40 ms frames were pushed.
    expect(written.length).toBeLessThanOrEqual(3 * (3000 / 40) + 3);
  });

  it('after an overflow, the sink resumes at a keyframe with the audio kept', () => {
    const sink = new RecordingSink();
    const queue = new SubscriberQueue(sink, { maxQueueBytes: 5_000 });
    sink.stuck = true;
    const all = [...liveChunks(60)];
    for (const c of all) {
      if (c.kind === 'video' && c.dtsMs === 25 * 40) {
        expect(queue.stats().waitingForKeyframe).toBe(true);
        sink.drain(); // the viewer catches up just before the keyframe at frame 25
      }
      queue.push(c);
      queue.flush();
    }
    queue.flush();
    const got = sink.writes.map((w) => all.find((c) => c.bytes === w));
    const video = got.filter((c) => c?.kind === 'video');
    // Frame 0, then nothing until the keyframe at frame 25, then every frame.
    expect(video[0]?.dtsMs).toBe(0);
    const resumed = video.findIndex((c) => c?.keyframe === true && c.dtsMs > 0);
    expect(resumed).toBeGreaterThan(0);
    expect(video[resumed]?.dtsMs).toBe(25 * 40);
    expect(video.slice(resumed).map((c) => c?.dtsMs)).toEqual(
      Array.from({ length: 35 }, (_, i) => (25 + i) * 40),
    );
    // Audio kept as long as it fitted: more audio than video got through before the resume.
    const audioBefore = got.filter((c) => c?.kind === 'audio' && c.dtsMs < 25 * 40).length;
    expect(audioBefore).toBeGreaterThan(video.slice(0, resumed).length);
  });

  it('lets a join burst exceed the budget but not live chunks after it', () => {
    const sink = new RecordingSink();
    const queue = new SubscriberQueue(sink, { maxQueueBytes: 2_000 });
    sink.stuck = true;
    const burst = [headerChunk(new Uint8Array(13)), ...[...liveChunks(10)]];
    queue.join(burst);
    queue.flush();
    queue.push(chunk('video', 400, false, 1000));
    queue.push(chunk('video', 440, false, 1000));
    queue.push(chunk('video', 480, false, 1000)); // burst (11,013) + 3,000 > 2,000 + burst
    expect(queue.stats().droppedFrames).toBe(12 + 1); // every queued video frame, then the new one
    sink.drain();
    expect(sink.writes.length).toBe(1 + 20); // header, then the 20 audio chunks of the burst
  });

  it('skips video until a keyframe when a viewer joins without a cached GOP', () => {
    const sink = new RecordingSink();
    const queue = new SubscriberQueue(sink);
    queue.join([headerChunk(new Uint8Array(9))]);
    queue.push(chunk('video', 0, false, 10));
    queue.push(chunk('audio', 0, true, 10));
    const key = chunk('video', 40, true, 10);
    queue.push(key);
    queue.flush();
    expect(sink.writes.length).toBe(3);
    expect(sink.writes[2]).toBe(key.bytes);
  });

  it('closes with end-of-stream once the queue is written', () => {
    const sink = new RecordingSink();
    const queue = new SubscriberQueue(sink);
    sink.stuck = true;
    queue.push(chunk('audio', 0, true, 10));
    queue.push(chunk('audio', 20, true, 10));
    queue.flush();
    queue.end();
    expect(sink.closedWith).toBeUndefined();
    expect(queue.push(chunk('audio', 40, true, 10))).toBe(false);
    sink.drain();
    expect(sink.writes.length).toBe(2);
    expect(sink.closedWith).toBe('end-of-stream');
  });

  it('a keyframe larger than the whole budget still reaches a viewer that keeps up', () => {
    const sink = new RecordingSink();
    const queue = new SubscriberQueue(sink, { maxQueueBytes: 256 * 1024, maxBehindMs: 2000 });
    queue.join([headerChunk(new Uint8Array(13))]);
    // The oversized keyframe and the frames after it arrive in one turn, before any flush.
    queue.push(chunk('video', 0, true, 300_000));
    queue.push(chunk('audio', 10, true, 400));
    queue.push(chunk('video', 40, false, 1000));
    queue.flush();
    expect(sink.writes.map((w) => w.length)).toEqual([13, 300_000, 400, 1000]);
    expect(queue.stats().droppedFrames).toBe(0);
  });
  it('receive selection: unwanted media is skipped (not dropped), video resumes at a keyframe', () => {
    const receive = { audio: true, video: false };
    const sink = new RecordingSink();
    const queue = new SubscriberQueue(sink, { receive });
    const all = [...liveChunks(60)];
    const header = headerChunk(new Uint8Array(13));
    queue.join([header, ...all.slice(0, 30)]); // a cached GOP: video skipped, audio kept
    queue.flush();
    // A turn taken whole is one write of the batch's joined bytes: map those back to chunks.
    const batches = new Map<Uint8Array, readonly StreamChunk[]>();
    const turns = (from: number, to: number): void => {
      for (let i = from; i < to; i += 3) {
        const batch = new TurnBatch(all.slice(i, i + 3));
        batches.set(batch.payload, batch.chunks);
        queue.deliver(batch);
      }
    };
    turns(30, 60); // frames 10-19: audio only
    receive.video = true; // mid-GOP: nothing until the keyframe at frame 25
    turns(60, 120);
    receive.audio = false;
    turns(120, 150); // frames 40-49: video only
    receive.audio = true;
    turns(150, 180);
    const got = sink.writes.flatMap((w): readonly (StreamChunk | undefined)[] => {
      return batches.get(w) ?? [w === header.bytes ? header : all.find((c) => c.bytes === w)];
    });
    expect(got[0]).toBe(header);
    const videoAt = got.filter((c) => c?.kind === 'video').map((c) => c?.dtsMs);
    expect(videoAt).toEqual(Array.from({ length: 35 }, (_, i) => (25 + i) * 40));
    const audioAt = got.filter((c) => c?.kind === 'audio').map((c) => c?.dtsMs ?? -1);
    expect(audioAt.length).toBe(2 * 50);
    expect(audioAt.some((t) => t >= 40 * 40 && t < 50 * 40)).toBe(false);
    expect(queue.stats()).toMatchObject({ droppedFrames: 0, queuedChunks: 0 });
  });

  it('receive selection with everything wanted keeps the one shared write per turn', () => {
    const framed: Uint8Array[] = [];
    const sink = Object.assign(new RecordingSink(), {
      framing: { frame: (p: Uint8Array) => p },
      writeFramed: (wire: Uint8Array) => framed.push(wire) > 0,
    });
    const queue = new SubscriberQueue(sink, { receive: { audio: true, video: true } });
    const batch = new TurnBatch([...liveChunks(2)]);
    queue.deliver(batch);
    expect(framed).toEqual([batch.payload]);
    expect(sink.writes).toEqual([]);
  });
});
