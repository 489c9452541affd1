/**
 * One shape for "what a viewer got" whatever the protocol (FLV tags, fMP4 samples, ffprobe
 * packets), and the comparison the live tests make against what the publisher sent: the same
 * frames, in order, with the same sizes, keyframe flags and timestamps.
 */
import { FlvDemuxer, readFragmentedMp4 } from '@tidecast/media';
import type { DemuxEvent, MediaPacket, TrackInfo } from '@tidecast/media';
import { probeWithFfprobe } from './ffprobe.js';
import type { ProbeKind, ProbePacket } from './ffprobe.js';

export interface TimedFrame {
  kind: ProbeKind;
  /** Milliseconds. */
  dts: number;
  pts: number;
  keyframe: boolean;
  /** Payload bytes (AVCC access unit / raw AAC frame). */
  size: number;
}

export function fromMediaPackets(packets: readonly MediaPacket[]): TimedFrame[] {
  return packets.map((p) => ({
    kind: p.kind,
    dts: Math.round((p.dts * 1000) / p.timescale),
    pts: Math.round((p.pts * 1000) / p.timescale),
    keyframe: p.keyframe,
    size: p.data.length,
  }));
}

export function fromProbePackets(packets: readonly ProbePacket[]): TimedFrame[] {
  return packets.map((p) => ({
    kind: p.kind,
    dts: p.dtsMs ?? Number.NaN,
    pts: p.ptsMs ?? Number.NaN,
    keyframe: p.keyframe,
    size: p.size,
  }));
}

/** The packets of a whole file as ffprobe reads them. */
export async function probeFrames(file: string): Promise<TimedFrame[]> {
  return fromProbePackets((await probeWithFfprobe(file)).packets);
}

export interface DemuxedFlv {
  tracks: TrackInfo[];
  frames: TimedFrame[];
  /** Error and warning messages the demuxer reported. */
  problems: string[];
}

/** Demuxes FLV bytes given in any number of pieces (HTTP chunks or WS messages). */
export function demuxFlvPieces(pieces: readonly Uint8Array[]): DemuxedFlv {
  const demuxer = new FlvDemuxer();
  const events: DemuxEvent[] = [];
  for (const piece of pieces) events.push(...demuxer.push(piece));
  events.push(...demuxer.flush());
  return {
    tracks: events.flatMap((e) => (e.type === 'track' ? [e.track] : [])),
    frames: fromMediaPackets(events.flatMap((e) => (e.type === 'packet' ? [e.packet] : []))),
    problems: events.flatMap((e) =>
      e.type === 'error' || e.type === 'warning' ? [`${e.type}: ${e.error.message}`] : [],
    ),
  };
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Samples of a whole fragmented MP4 (init + fragments), in ms, decode order per track. */
export function framesOfFmp4(bytes: Uint8Array): TimedFrame[] {
  const mp4 = readFragmentedMp4(bytes);
  const out: TimedFrame[] = [];
  for (const track of mp4.tracks) {
    if (track.kind === 'other') continue;
    for (const s of mp4.samples.get(track.trackId) ?? []) {
      out.push({
        kind: track.kind,
        dts: Math.round((s.dts * 1000) / track.timescale),
        pts: Math.round(((s.pts - track.mediaTimeOffset) * 1000) / track.timescale),
        keyframe: s.keyframe,
        size: s.size,
      });
    }
  }
  return out;
}

/**
 * What a viewer joining through the GOP cache gets of `frames` (in send order): everything
 * from the first video keyframe on; all of it for a stream without video.
 */
export function fromFirstKeyframe(frames: readonly TimedFrame[]): TimedFrame[] {
  const key = frames.findIndex((f) => f.kind === 'video' && f.keyframe);
  return key < 0 ? frames.slice() : frames.slice(key);
}

export function ofKind(frames: readonly TimedFrame[], kind: ProbeKind): TimedFrame[] {
  return frames.filter((f) => f.kind === kind);
}

export interface CompareOptions {
  /** Allowed |difference| of times in ms (fMP4 track timescales round). Default 0. */
  toleranceMs?: number;
  /** Compare composition offsets (pts - dts). Default true. */
  pts?: boolean;
  /** Shift added to expected times before comparing. Default 0. */
  offsetMs?: number;
}

/**
 * Differences between the frames a viewer got and the frames expected, as readable lines
 * (empty = identical). Sizes, keyframe flags, decode times and composition offsets must match
 * frame by frame.
 */
export function frameDifferences(
  actual: readonly TimedFrame[],
  expected: readonly TimedFrame[],
  options: CompareOptions = {},
): string[] {
  const tolerance = options.toleranceMs ?? 0;
  const offset = options.offsetMs ?? 0;
  const problems: string[] = [];
  if (actual.length !== expected.length) {
    problems.push(`got ${actual.length} frames, expected ${expected.length}`);
  }
  const n = Math.min(actual.length, expected.length);
  for (let i = 0; i < n && problems.length < 8; i++) {
    const a = actual[i];
    const e = expected[i];
    if (a === undefined || e === undefined) break;
    const what: string[] = [];
    if (a.size !== e.size) what.push(`size ${a.size} != ${e.size}`);
    if (a.keyframe !== e.keyframe) what.push(`keyframe ${a.keyframe} != ${e.keyframe}`);
    if (Math.abs(a.dts - (e.dts + offset)) > tolerance)
      what.push(`dts ${a.dts} != ${e.dts + offset}`);
    if (options.pts !== false && Math.abs(a.pts - a.dts - (e.pts - e.dts)) > tolerance) {
      what.push(`cts ${a.pts - a.dts} != ${e.pts - e.dts}`);
    }
    if (what.length > 0) problems.push(`${a.kind} #${i}: ${what.join(', ')}`);
  }
  return problems;
}

/** Largest and smallest step between consecutive decode times. */
export function dtsSteps(frames: readonly TimedFrame[]): { min: number; max: number } {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 1; i < frames.length; i++) {
    const step = (frames[i]?.dts ?? 0) - (frames[i - 1]?.dts ?? 0);
    min = Math.min(min, step);
    max = Math.max(max, step);
  }
  return { min, max };
}
