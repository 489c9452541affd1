import { addCounts, countFmp4 } from './fmp4-sample-count.js';
import type { Fmp4Counts } from './fmp4-sample-count.js';
import type { TransmuxAdapter } from './transmux-adapter.js';

export interface VerifiedRun {
  counts: Fmp4Counts;
  outputBytes: number;
  /** Output stream names (SourceBuffers), e.g. ['av'] or ['video', 'audio']. */
  streams: string[];
  warnings: string[];
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * One untimed run that keeps a copy of every output segment, then reads the fMP4 back with the
 * bench's own box reader. Copies because an implementation may reuse its output buffers.
 */
export function verifyRun(adapter: TransmuxAdapter, input: readonly ArrayBuffer[]): VerifiedRun {
  const streams = new Map<string, Uint8Array[]>();
  let outputBytes = 0;
  const report = adapter.run(input, (stream, _kind, bytes) => {
    outputBytes += bytes.length;
    let parts = streams.get(stream);
    if (parts === undefined) {
      parts = [];
      streams.set(stream, parts);
    }
    parts.push(bytes.slice());
  });
  let counts: Fmp4Counts = {
    initSegments: 0,
    fragments: 0,
    videoSamples: 0,
    audioSamples: 0,
    mdatBytes: 0,
  };
  for (const parts of streams.values()) counts = addCounts(counts, countFmp4(concat(parts)));
  return { counts, outputBytes, streams: [...streams.keys()], warnings: report.warnings };
}

/**
 * Loose equivalence: both carry about the same samples. Exact equality is not expected (a
 * remuxer may drop frames before the first keyframe or pad audio gaps with silent frames).
 * Returns the differences that are too large, empty when the runs are comparable.
 */
export function compareCounts(a: Fmp4Counts, b: Fmp4Counts): string[] {
  const problems: string[] = [];
  const near = (x: number, y: number, absolute: number, relative: number): boolean =>
    Math.abs(x - y) <= Math.max(absolute, relative * Math.max(x, y));
  if (a.videoSamples + b.videoSamples + a.audioSamples + b.audioSamples === 0) {
    problems.push('no samples at all');
  }
  if (!near(a.videoSamples, b.videoSamples, 2, 0.005)) {
    problems.push(`video samples ${a.videoSamples} vs ${b.videoSamples}`);
  }
  if (!near(a.audioSamples, b.audioSamples, 3, 0.01)) {
    problems.push(`audio samples ${a.audioSamples} vs ${b.audioSamples}`);
  }
  if (!near(a.mdatBytes, b.mdatBytes, 0, 0.01)) {
    problems.push(`mdat bytes ${a.mdatBytes} vs ${b.mdatBytes}`);
  }
  return problems;
}
