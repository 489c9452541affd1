import { buildInitSegment, buildMediaSegment, mp4Timescale } from '@tidecast/media';
import type {
  AudioTrack,
  FragmentSample,
  MediaPacket,
  TrackFragment,
  TrackInfo,
  VideoTrack,
} from '@tidecast/media';
import { audioFrameTicks, audioFraming } from './audio-frames.js';
import type { AudioFraming } from './audio-frames.js';
import { AudioTimeline } from './audio-timeline.js';
import { summarizeTracks } from './media-summary.js';
import type { TransmuxOutput } from './transmux-types.js';
import { WarningLimiter } from './warning-limiter.js';

/** A sample with its decode time in the track's MP4 ticks. */
interface TimedSample extends FragmentSample {
  dts: number;
}

export interface RemuxerOptions {
  audioGapFillMs: number;
  /** What the FLV header promises; the init waits for both promised kinds (up to INIT_WAIT_MS). */
  expectVideo: boolean;
  expectAudio: boolean;
}

/** Without a promised kind's sequence header after this much media, start with what is known. */
const INIT_WAIT_MS = 1000;
/** Audio-only streams: a fragment per ~3 AAC frames. */
const AUDIO_ONLY_FRAGMENT_MS = 60;
/**
 * With video, audio goes out in its own fragment once it spans this much: 0 = every frame at
 * once. A muxed SourceBuffer's buffered end is the earliest of its tracks' ends (MSE 3.1
 * `buffered`), so audio that waited for the held video frame pulled the playable edge back and
 * made Chromium underflow at low latency.
 */
const AUDIO_MAX_WAIT_MS = 0;
/** Audio kept while video waits for its first keyframe (the rest would be dropped anyway). */
const AUDIO_PRESTART_MS = 1000;
/** Decode-time jumps beyond these (backwards / forwards) are a timestamp reset: rebase. */
const MAX_BACKWARD_MS = 1000;
const MAX_FORWARD_MS = 10_000;
/** Step used to make a repeated or backward video dts strictly increasing: 1 ms. */
const VIDEO_DTS_STEP = 90;
const I32_MAX = 0x7fffffff;

/**
 * MediaPackets -> fMP4 for one MSE SourceBuffer; every fragment holds one track. Serves FLV
 * (1 kHz) and MPEG-TS (90 kHz) alike: every time is read in its packet's own timescale. Each video frame
 * is its own fragment, held until the next one gives its exact duration (one frame of latency,
 * but MSE never sees a guessed duration that could overlap B-frames or trip the "2x last frame
 * duration" discontinuity rule of MSE 3.5.8). Audio does not wait for video: with video each
 * frame goes out at once (AUDIO_MAX_WAIT_MS), audio-only streams send ~60 ms per fragment.
 * Repairs: start at a video keyframe, strictly increasing video dts, gapless audio (overlaps
 * dropped, gaps filled with silence), timestamp resets rebased.
 */
export class FlvRemuxer {
  private readonly options: RemuxerOptions;
  private readonly warnings = new WarningLimiter();
  private video: VideoTrack | undefined;
  private audio: AudioTrack | undefined;
  private framing: AudioFraming | undefined;
  private timeline: AudioTimeline | undefined;
  /** track_IDs in the current init segment; undefined before the first init. */
  private videoId: number | undefined;
  private audioId: number | undefined;
  private initDone = false;
  private preInit: MediaPacket[] = [];
  /** Added to input times (ms) after a timestamp reset. */
  private offsetMs = 0;
  private videoStarted = false;
  private videoStartDts = 0;
  private held: TimedSample | undefined;
  private lastVideoDuration = 0;
  private pendingAudio: TimedSample[] = [];
  /** Audio that came while video waits for a keyframe, in ticks of the audio track. */
  private waitingAudio: Array<{ dts: number; data: Uint8Array }> = [];
  private sequence = 1;

  constructor(options: RemuxerOptions) {
    this.options = options;
  }

  track(track: TrackInfo, out: TransmuxOutput[]): void {
    if (!this.initDone) {
      this.setTrack(track);
      this.tryInit(out);
      return;
    }
    const known = track.kind === 'video' ? this.videoId !== undefined : this.audioId !== undefined;
    this.flushPending(out); // what was coded for the old configuration goes out first
    this.setTrack(track);
    if (!known) this.warnings.warn(out, 'TRACK_ADDED', `a ${track.kind} track appeared mid-stream`);
    else
      this.warnings.warn(
        out,
        'CODEC_CHANGED',
        `new ${track.kind} configuration: ${track.codecString}`,
      );
    this.emitInit(out);
  }

  packet(packet: MediaPacket, out: TransmuxOutput[]): void {
    if (!this.initDone) {
      this.preInit.push(packet);
      this.tryInit(out);
      return;
    }
    if (packet.kind === 'video') this.onVideo(packet, out);
    else this.onAudio(packet, out);
  }

  /** End of input: the held frame gets the previous frame's duration; everything goes out. */
  flush(out: TransmuxOutput[]): void {
    if (!this.initDone && (this.video !== undefined || this.audio !== undefined)) {
      this.emitInit(out);
      this.replayPreInit(out);
    }
    this.flushPending(out);
  }

  private setTrack(track: TrackInfo): void {
    if (track.kind === 'video') {
      this.video = track;
      this.videoStarted = false; // a new configuration starts at a keyframe
    } else {
      this.audio = track;
      this.framing = audioFraming(track);
      const timescale = mp4Timescale(track);
      this.timeline = new AudioTimeline(
        timescale,
        (this.options.audioGapFillMs * timescale) / 1000,
      );
      this.waitingAudio = [];
    }
  }

  private tryInit(out: TransmuxOutput[]): void {
    const hasVideo = this.video !== undefined;
    const hasAudio = this.audio !== undefined;
    if (!hasVideo && !hasAudio) {
      this.preInit = []; // packets without a configuration cannot be described
      return;
    }
    const first = this.preInit[0];
    const last = this.preInit[this.preInit.length - 1];
    const waited =
      first !== undefined && last !== undefined
        ? (last.dts * 1000) / last.timescale - (first.dts * 1000) / first.timescale
        : 0;
    const complete =
      (hasVideo || !this.options.expectVideo) && (hasAudio || !this.options.expectAudio);
    if (!complete && Math.abs(waited) < INIT_WAIT_MS) return;
    this.emitInit(out);
    this.replayPreInit(out);
  }

  private replayPreInit(out: TransmuxOutput[]): void {
    const packets = this.preInit;
    this.preInit = [];
    for (const p of packets) this.packet(p, out);
  }

  private emitInit(out: TransmuxOutput[]): void {
    const tracks: TrackInfo[] = [];
    if (this.video !== undefined) tracks.push(this.video);
    if (this.audio !== undefined) tracks.push(this.audio);
    this.videoId = this.video === undefined ? undefined : 1;
    this.audioId = this.audio === undefined ? undefined : tracks.length;
    // MSE 3.5.7: after an init segment every track needs a random access point again.
    this.videoStarted = false;
    this.held = undefined;
    this.timeline?.reset();
    this.initDone = true;
    out.push({ type: 'init', bytes: buildInitSegment(tracks), media: summarizeTracks(tracks) });
  }

  /** Input ms -> rebased ms: a jump beyond the limits continues from `expectedMs` instead. */
  private rebase(ms: number, expectedMs: number | undefined, out: TransmuxOutput[]): number {
    let mapped = ms + this.offsetMs;
    if (expectedMs === undefined) return mapped;
    if (mapped < expectedMs - MAX_BACKWARD_MS || mapped > expectedMs + MAX_FORWARD_MS) {
      this.warnings.warn(
        out,
        'TIMESTAMP_JUMP',
        `timestamps jumped by ${Math.round(mapped - expectedMs)} ms; continuing the timeline`,
      );
      this.offsetMs += expectedMs - mapped;
      mapped = expectedMs;
    }
    return mapped;
  }

  private onVideo(packet: MediaPacket, out: TransmuxOutput[]): void {
    if (this.videoId === undefined) return;
    const held = this.held;
    const expectedMs = held === undefined ? undefined : (held.dts + this.lastVideoDuration) / 90;
    const dtsMs = this.rebase((packet.dts * 1000) / packet.timescale, expectedMs, out);
    const ptsMs = (packet.pts * 1000) / packet.timescale + this.offsetMs;
    let dts = Math.max(0, Math.round(dtsMs * 90));
    const pts = Math.round(ptsMs * 90);
    if (!this.videoStarted) {
      if (!packet.keyframe) {
        this.warnings.warn(out, 'WAIT_KEYFRAME', 'video frames before the first keyframe dropped');
        return;
      }
      this.videoStarted = true;
      this.videoStartDts = dts;
      this.startAudioAt(dts / 90000, out);
    }
    if (held !== undefined) {
      if (dts <= held.dts) {
        this.warnings.warn(out, 'VIDEO_DTS_FIXED', `video dts ${dts} not after ${held.dts}; moved`);
        dts = held.dts + VIDEO_DTS_STEP;
      }
      held.duration = dts - held.dts;
      this.lastVideoDuration = held.duration;
      this.emitVideo(held, out);
    }
    this.held = {
      dts,
      duration: 0,
      size: packet.data.length,
      keyframe: packet.keyframe,
      compositionOffset: Math.max(-I32_MAX, Math.min(I32_MAX, pts - dts)),
      data: packet.data,
    };
  }

  /** Video started at `startSec`: audio that waited is kept from there on. */
  private startAudioAt(startSec: number, out: TransmuxOutput[]): void {
    const waiting = this.waitingAudio;
    this.waitingAudio = [];
    if (this.audio === undefined) return;
    const timescale = mp4Timescale(this.audio);
    for (const w of waiting) this.placeAudio(w.dts, w.data, timescale, startSec, out);
  }

  private onAudio(packet: MediaPacket, out: TransmuxOutput[]): void {
    const audio = this.audio;
    const timeline = this.timeline;
    if (this.audioId === undefined || audio === undefined || timeline === undefined) return;
    const timescale = mp4Timescale(audio);
    const next = timeline.nextDts;
    // With video, the video's rebase also moves audio; audio-only streams rebase on their own.
    const expectedMs =
      this.videoId === undefined && next !== undefined ? (next * 1000) / timescale : undefined;
    const ms = this.rebase((packet.dts * 1000) / packet.timescale, expectedMs, out);
    const dts = Math.max(0, Math.round((ms * timescale) / 1000));
    if (this.videoId !== undefined && !this.videoStarted) {
      this.waitingAudio.push({ dts, data: packet.data });
      const oldest = this.waitingAudio[0];
      if (oldest !== undefined && dts - oldest.dts > (AUDIO_PRESTART_MS * timescale) / 1000) {
        this.waitingAudio.shift();
      }
      return;
    }
    const startSec = this.videoId === undefined ? -Infinity : this.videoStartDts / 90000;
    this.placeAudio(dts, packet.data, timescale, startSec, out);
  }

  private placeAudio(
    dts: number,
    data: Uint8Array,
    timescale: number,
    startSec: number,
    out: TransmuxOutput[],
  ): void {
    const audio = this.audio;
    const framing = this.framing;
    const timeline = this.timeline;
    if (audio === undefined || framing === undefined || timeline === undefined) return;
    const ticks = audioFrameTicks(audio, framing, data);
    // Audio that ends before the first video frame would start the buffer without picture.
    if ((dts + ticks / 2) / timescale < startSec) return;
    const silent = framing.silentFrame;
    const placed = timeline.place(dts, ticks, silent !== undefined);
    if (placed.type === 'drop') {
      this.warnings.warn(
        out,
        'AUDIO_OVERLAP',
        `audio frame overlapping by ${placed.overlapTicks} ticks dropped`,
      );
      return;
    }
    const gapMs = Math.round((placed.gapTicks * 1000) / timescale);
    if (placed.jumped) {
      this.warnings.warn(out, 'AUDIO_GAP', `audio gap of ${gapMs} ms left unfilled`);
      this.emitAudio(out); // the pending run must stay contiguous
    } else if (placed.silentBefore > 0 && silent !== undefined) {
      this.warnings.warn(
        out,
        'AUDIO_GAP_FILLED',
        `audio gap of ${gapMs} ms filled with ${placed.silentBefore} silent frames`,
      );
      for (let i = placed.silentBefore; i > 0; i--) {
        this.pushAudio(placed.dts - i * ticks, ticks, silent);
      }
    }
    this.pushAudio(placed.dts, ticks, data);
    this.maybeEmitAudio(timescale, out);
  }

  private pushAudio(dts: number, ticks: number, data: Uint8Array): void {
    this.pendingAudio.push({
      dts,
      duration: ticks,
      size: data.length,
      keyframe: true,
      compositionOffset: 0,
      data,
    });
  }

  private maybeEmitAudio(timescale: number, out: TransmuxOutput[]): void {
    const first = this.pendingAudio[0];
    const last = this.pendingAudio[this.pendingAudio.length - 1];
    if (first === undefined || last === undefined) return;
    const spanMs = ((last.dts + last.duration - first.dts) * 1000) / timescale;
    const limit = this.videoId === undefined ? AUDIO_ONLY_FRAGMENT_MS : AUDIO_MAX_WAIT_MS;
    if (spanMs >= limit) this.emitAudio(out);
  }

  /** Sends the held video frame (estimated duration) and all pending audio. */
  private flushPending(out: TransmuxOutput[]): void {
    const held = this.held;
    this.held = undefined;
    if (held !== undefined) {
      const fps = this.video?.frameRate;
      const guess = fps !== undefined && fps > 0 ? Math.round(90000 / fps) : 3000;
      held.duration = this.lastVideoDuration > 0 ? this.lastVideoDuration : guess;
      this.emitVideo(held, out);
    }
    this.emitAudio(out);
  }

  private emitVideo(sample: TimedSample, out: TransmuxOutput[]): void {
    if (this.videoId !== undefined) this.emitSegment('video', this.videoId, [sample], 90000, out);
  }

  private emitAudio(out: TransmuxOutput[]): void {
    const samples = this.pendingAudio;
    this.pendingAudio = [];
    if (this.audioId === undefined || this.audio === undefined) return;
    this.emitSegment('audio', this.audioId, samples, mp4Timescale(this.audio), out);
  }

  /** One moof+mdat with one traf: `samples` are contiguous in decode time. */
  private emitSegment(
    kind: 'video' | 'audio',
    trackId: number,
    samples: TimedSample[],
    timescale: number,
    out: TransmuxOutput[],
  ): void {
    const first = samples[0];
    const last = samples[samples.length - 1];
    if (first === undefined || last === undefined) return;
    const fragment: TrackFragment = { trackId, baseMediaDecodeTime: first.dts, samples };
    const video = kind === 'video';
    out.push({
      type: 'segment',
      bytes: buildMediaSegment(this.sequence++, [fragment]),
      startSec: first.dts / timescale,
      endSec: (last.dts + last.duration) / timescale,
      videoFrames: video ? samples.length : 0,
      keyframes: video ? samples.filter((x) => x.keyframe).length : 0,
      audioFrames: video ? 0 : samples.length,
    });
  }
}
