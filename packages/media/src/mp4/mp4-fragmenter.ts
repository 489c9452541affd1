import { InvalidArgumentError } from '../errors.js';
import type { DemuxEvent, MediaPacket, TrackInfo, TrackKind } from '../types.js';
import { buildInitSegment } from './init-segment.js';
import { buildMediaSegment } from './media-segment.js';
import type { TrackFragment } from './media-segment.js';
import { FragmentTrack } from './mp4-fragment-track.js';
import type { QueuedSample } from './mp4-fragment-track.js';

export interface Fmp4InitChunk {
  kind: 'init';
  bytes: Uint8Array;
  /** Tracks in track_ID order (track_ID = index + 1). */
  tracks: TrackInfo[];
}

export interface Fmp4MediaChunk {
  kind: 'media';
  bytes: Uint8Array;
  sequenceNumber: number;
  startMs: number;
  durationMs: number;
  earliestPtsMs: number;
  startsWithKeyframe: boolean;
  /** Timescale of the *Ticks fields: the video track's if there is one, else the audio's. */
  referenceTimescale: number;
  startTicks: number;
  durationTicks: number;
  earliestPtsTicks: number;
}

export type Fmp4Chunk = Fmp4InitChunk | Fmp4MediaChunk;

export interface Mp4FragmenterOptions {
  /** Track kinds to wait for before the init segment (default: video and audio, or 2 s). */
  expectedKinds?: TrackKind[];
  /** Fragment length when there is no video to cut at keyframes (default 1000). */
  audioOnlyFragmentMs?: number;
  /** Cut a video fragment at this length even without a keyframe (default: never). */
  maxFragmentMs?: number;
}

/** Without expectedKinds, emit the init with whatever is known after this much media. */
const INIT_WAIT_S = 2;
/** With expectedKinds, stop waiting for a missing kind after this much media. */
const EXPECTED_WAIT_S = 10;
/** How far video may run past a keyframe while the audio catches up to it. */
const AUDIO_LAG_S = 1;
/** Audio pending without any video keyframe cut is emitted on its own after this long. */
const MAX_PENDING_S = 10;

/** A fragment boundary: the video sync sample that opens the next fragment. */
interface Cut {
  sample: QueuedSample;
  time: number;
}

/**
 * Turns demuxed packets into a fragmented MP4 stream: one init segment, then one media segment
 * per video GOP (with the audio up to the next keyframe), or per `audioOnlyFragmentMs` of audio.
 * A codec change flushes what is pending and starts a new init segment.
 */
export class Mp4Fragmenter {
  private readonly expectedKinds: readonly TrackKind[] | undefined;
  private readonly audioOnlyFragmentS: number;
  private readonly maxFragmentS: number;
  private video: FragmentTrack | null = null;
  private audio: FragmentTrack | null = null;
  private initEmitted = false;
  private sequenceNumber = 1;
  private cuts: Cut[] = [];
  /** Start time of the video fragment still open (after the last cut). */
  private openVideoStart: number | null = null;

  constructor(options: Mp4FragmenterOptions = {}) {
    const { expectedKinds, audioOnlyFragmentMs = 1000, maxFragmentMs } = options;
    if (expectedKinds?.some((k) => k !== 'video' && k !== 'audio')) {
      throw new InvalidArgumentError(`expectedKinds must hold 'video' or 'audio'`);
    }
    checkPositive(audioOnlyFragmentMs, 'audioOnlyFragmentMs');
    if (maxFragmentMs !== undefined) checkPositive(maxFragmentMs, 'maxFragmentMs');
    this.expectedKinds = expectedKinds === undefined ? undefined : [...expectedKinds];
    this.audioOnlyFragmentS = audioOnlyFragmentMs / 1000;
    this.maxFragmentS = maxFragmentMs === undefined ? Infinity : maxFragmentMs / 1000;
  }

  /** Feeds one demux event; returns the chunks it completed (often none). */
  push(event: DemuxEvent): Fmp4Chunk[] {
    const out: Fmp4Chunk[] = [];
    if (event.type === 'track') this.onTrack(event.track, out);
    else if (event.type === 'packet') this.onPacket(event.packet);
    else return out; // script data, warnings and errors do not change the fragments
    if (!this.initEmitted && this.initReady()) this.emitInit(out);
    if (this.initEmitted) this.emitReady(out, false);
    return out;
  }

  /** End of input: estimates the last durations and emits everything pending. */
  flush(): Fmp4Chunk[] {
    const out: Fmp4Chunk[] = [];
    this.flushInto(out);
    return out;
  }

  private flushInto(out: Fmp4Chunk[]): void {
    if (this.video === null && this.audio === null) return;
    if (!this.initEmitted) this.emitInit(out);
    this.video?.completeHeld();
    this.audio?.completeHeld();
    this.emitReady(out, true);
    this.emitFragment(out, this.video?.takeAll() ?? [], this.audio?.takeAll() ?? []);
    this.openVideoStart = null;
  }

  private onTrack(info: TrackInfo, out: Fmp4Chunk[]): void {
    const current = info.kind === 'video' ? this.video : this.audio;
    if (current !== null && sameTrack(current.info, info)) return; // repeated sequence header
    // Refuse an unwritable track (InvalidArgumentError) before any state changes.
    buildInitSegment([info]);
    if (!this.initEmitted) {
      // Nothing written yet: samples coded for an old configuration are dropped with it.
      this.setTrack(info);
      return;
    }
    if (info.kind === 'video') {
      // New video restarts at a keyframe anyway, so everything pending goes out now.
      this.flushInto(out);
    } else if (this.audio !== null) {
      // Only the old audio must precede the new init; the open video GOP stays pending so
      // the next fragment still starts with its keyframe (MSE needs a random access point
      // after every init segment).
      this.audio.completeHeld();
      this.emitFragment(out, [], this.audio.takeAll());
    }
    this.setTrack(info);
    this.emitInit(out);
  }

  /** Installs `info`; video is track 1 when present and audio follows it. */
  private setTrack(info: TrackInfo): void {
    if (info.kind === 'video') {
      this.video = new FragmentTrack(info, 1);
      this.openVideoStart = null;
      this.cuts = [];
      if (this.audio !== null) this.audio.trackId = 2;
    } else {
      this.audio = new FragmentTrack(info, this.video === null ? 1 : 2);
    }
  }

  private onPacket(packet: MediaPacket): void {
    const track = packet.kind === 'video' ? this.video : this.audio;
    if (track === null) return; // no configuration yet: the packet cannot be described
    const sample = track.add(packet);
    if (sample === null || track !== this.video) return;
    const start = this.openVideoStart;
    if (start === null) {
      this.openVideoStart = sample.time;
    } else if (sample.keyframe || sample.time - start >= this.maxFragmentS) {
      this.cuts.push({ sample, time: sample.time });
      this.openVideoStart = sample.time;
    }
  }

  private initReady(): boolean {
    const known = (kind: TrackKind): boolean =>
      (kind === 'video' ? this.video : this.audio) !== null;
    if (!known('video') && !known('audio')) return false;
    if (this.expectedKinds !== undefined) {
      return this.expectedKinds.every(known) || this.bufferedSeconds() >= EXPECTED_WAIT_S;
    }
    return (known('video') && known('audio')) || this.bufferedSeconds() >= INIT_WAIT_S;
  }

  private bufferedSeconds(): number {
    let span = 0;
    for (const track of [this.video, this.audio]) {
      const newest = track?.held ?? undefined;
      const oldest = track?.samples[0] ?? newest;
      if (newest !== undefined && oldest !== undefined)
        span = Math.max(span, newest.time - oldest.time);
    }
    return span;
  }

  private emitInit(out: Fmp4Chunk[]): void {
    const tracks: TrackInfo[] = [];
    if (this.video !== null) tracks.push(this.video.info);
    if (this.audio !== null) tracks.push(this.audio.info);
    out.push({ kind: 'init', bytes: buildInitSegment(tracks), tracks });
    this.initEmitted = true;
  }

  /** Emits every fragment whose end is settled; with `force`, every pending cut. */
  private emitReady(out: Fmp4Chunk[], force: boolean): void {
    const video = this.video;
    const audio = this.audio;
    if (video === null || this.openVideoStart === null) {
      // Audio only, or video that has not reached its first keyframe yet.
      if (audio === null) return;
      const span = this.audioOnlyFragmentS * audio.timescale;
      while (audio.completeTicks >= span) this.emitFragment(out, [], audio.takeSpan(span));
      return;
    }
    for (let cut = this.cuts[0]; cut !== undefined; cut = this.cuts[0]) {
      if (!force && !this.audioSettled(cut.time)) break;
      this.cuts.shift();
      this.emitFragment(out, video.takeUntilSample(cut.sample), audio?.takeBefore(cut.time) ?? []);
    }
    // Video that stopped (or a very long GOP) must not hold audio back without bound.
    if (audio !== null && !force && audio.completeTicks >= MAX_PENDING_S * audio.timescale) {
      this.emitFragment(out, [], audio.takeAll());
    }
  }

  /** The audio before `time` is complete: audio has reached it, or lags too far behind. */
  private audioSettled(time: number): boolean {
    const audio = this.audio;
    if (audio === null) return true;
    const newestAudio = audio.held?.time ?? -Infinity;
    const newestVideo = this.video?.held?.time ?? time;
    return newestAudio >= time || newestVideo - time >= AUDIO_LAG_S;
  }

  private emitFragment(
    out: Fmp4Chunk[],
    videoSamples: QueuedSample[],
    audioSamples: QueuedSample[],
  ): void {
    const trafs: TrackFragment[] = [];
    const parts: [FragmentTrack, QueuedSample[]][] = [];
    if (this.video !== null && videoSamples.length > 0) parts.push([this.video, videoSamples]);
    if (this.audio !== null && audioSamples.length > 0) parts.push([this.audio, audioSamples]);
    const first = parts[0];
    if (first === undefined) return;
    for (const [track, samples] of parts) {
      trafs.push({ trackId: track.trackId, baseMediaDecodeTime: samples[0]?.dts ?? 0, samples });
    }
    const sequenceNumber = this.sequenceNumber++;
    const bytes = buildMediaSegment(sequenceNumber, trafs);
    out.push({ kind: 'media', bytes, sequenceNumber, ...this.timing(first[0], first[1]) });
  }

  /**
   * Start, duration and earliest pts of a fragment in the reference timescale (the video's,
   * else the audio's), taken from `samples` of `track`, the fragment's first traf.
   */
  private timing(
    track: FragmentTrack,
    samples: QueuedSample[],
  ): Omit<Fmp4MediaChunk, 'kind' | 'bytes' | 'sequenceNumber'> {
    const reference = this.video ?? track;
    const scale = reference.timescale / track.timescale;
    const convert = scale === 1 ? (t: number) => t : (t: number) => Math.round(t * scale);
    const firstSample = samples[0];
    const lastSample = samples[samples.length - 1];
    let earliest = Infinity;
    for (const s of samples) earliest = Math.min(earliest, s.dts + s.compositionOffset);
    const start = convert(firstSample?.dts ?? 0);
    const end = convert(lastSample === undefined ? 0 : lastSample.dts + lastSample.duration);
    const earliestPts = convert(Number.isFinite(earliest) ? earliest : 0);
    const toMs = 1000 / reference.timescale;
    return {
      startMs: start * toMs,
      durationMs: (end - start) * toMs,
      earliestPtsMs: earliestPts * toMs,
      startsWithKeyframe: firstSample?.keyframe ?? false,
      referenceTimescale: reference.timescale,
      startTicks: start,
      durationTicks: end - start,
      earliestPtsTicks: earliestPts,
    };
  }
}

function checkPositive(value: number, what: string): void {
  if (!Number.isFinite(value) || value <= 0) {
    throw new InvalidArgumentError(`${what} must be a positive number: ${value}`);
  }
}

/** Same codec and parameters: a repeated sequence header needs no new init segment. */
function sameTrack(a: TrackInfo, b: TrackInfo): boolean {
  if (a.codec !== b.codec || a.codecString !== b.codecString || !sameBytes(a.config, b.config)) {
    return false;
  }
  if (a.kind === 'video' && b.kind === 'video') {
    return (
      a.width === b.width && a.height === b.height && a.sarNum === b.sarNum && a.sarDen === b.sarDen
    );
  }
  if (a.kind === 'audio' && b.kind === 'audio') {
    return a.sampleRate === b.sampleRate && a.channels === b.channels;
  }
  return false;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
