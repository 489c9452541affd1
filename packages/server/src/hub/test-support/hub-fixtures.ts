/**
 * Test fixtures for the hub: tracks, a synthetic interleaved stream with traceable payloads,
 * and a sink that records what it is given and can play a slow or stuck socket.
 */
import type { AudioTrack, MediaPacket, VideoTrack } from '@tidecast/media';
import type { ByteSink, CloseReason } from '../stream-output.js';

function hexBytes(text: string): Uint8Array {
  return Uint8Array.from(text.match(/../g) ?? [], (b) => parseInt(b, 16));
}

export const avcTrack: VideoTrack = {
  kind: 'video',
  codec: 'avc',
  codecString: 'avc1.42c01e',
  width: 640,
  height: 360,
  sarNum: 1,
  sarDen: 1,
  timescale: 1000,
  frameRate: 25,
  // ISO/IEC 14496-15 5.3.3.1 avcC (lengthSizeMinusOne = 3) as x264 wrote it for 640x360
  // baseline at 25 fps: one SPS, one PPS.
  config: hexBytes(
    '0142c01effe100196742c01ed900a02ff97011000003000100000300320f162e4801000568cb83cb20',
  ),
};

export const aacTrack: AudioTrack = {
  kind: 'audio',
  codec: 'aac',
  codecString: 'mp4a.40.2',
  sampleRate: 44100,
  channels: 2,
  timescale: 1000,
  config: new Uint8Array([0x12, 0x10]),
};

export interface SyntheticOptions {
  seconds: number;
  fps?: number;
  /** Frames per GOP. */
  gop?: number;
  audio?: boolean;
  video?: boolean;
  startMs?: number;
  /** Bytes per video frame payload (at least 8). */
  videoBytes?: number;
  /** Frame number offset so payloads stay unique across calls. */
  serialBase?: number;
}

/**
 * 25 fps video (keyframe every `gop` frames, an IDR/non-IDR NAL with a 4-byte length) plus AAC
 * frames, interleaved by decode time as an FLV muxer would. Every payload carries a serial.
 */
export function syntheticPackets(options: SyntheticOptions): MediaPacket[] {
  const fps = options.fps ?? 25;
  const gop = options.gop ?? 25;
  const start = options.startMs ?? 0;
  const withVideo = options.video ?? true;
  const withAudio = options.audio ?? true;
  const videoBytes = Math.max(8, options.videoBytes ?? 64);
  let serial = options.serialBase ?? 0;
  const out: MediaPacket[] = [];
  const frames = withVideo ? Math.round(options.seconds * fps) : 0;
  const audioFrames = withAudio ? Math.floor((options.seconds * 44100) / 1024) : 0;
  const audioDts = (a: number): number => start + Math.round((a * 1024000) / 44100);
  let a = 0;
  for (let v = 0; v <= frames; v++) {
    const dts = start + Math.round((v * 1000) / fps);
    while (a < audioFrames && (v === frames || audioDts(a) <= dts)) {
      out.push(audioPacket(audioDts(a), ++serial));
      a++;
    }
    if (v < frames) out.push(videoPacket(dts, v % gop === 0, ++serial, videoBytes));
  }
  return out;
}

export function videoPacket(
  dts: number,
  keyframe: boolean,
  serial: number,
  size = 64,
): MediaPacket {
  const data = new Uint8Array(size);
  const nalLength = size - 4;
  data.set([
    0,
    Math.floor(nalLength / 65536) % 256,
    Math.floor(nalLength / 256) % 256,
    nalLength % 256,
  ]);
  data[4] = keyframe ? 0x65 : 0x41;
  writeSerial(data, 5, serial);
  return { kind: 'video', dts, pts: dts + (keyframe ? 0 : 40), timescale: 1000, keyframe, data };
}

export function audioPacket(dts: number, serial: number): MediaPacket {
  const data = new Uint8Array(12).fill(0x21);
  writeSerial(data, 0, serial);
  return { kind: 'audio', dts, pts: dts, timescale: 1000, keyframe: true, data };
}

function writeSerial(data: Uint8Array, at: number, serial: number): void {
  data[at] = Math.floor(serial / 65536) % 256;
  data[at + 1] = Math.floor(serial / 256) % 256;
  data[at + 2] = serial % 256;
}

/** A sink that records writes; `stuck` makes `write` return false and never drain by itself. */
export class RecordingSink implements ByteSink {
  readonly writes: Uint8Array[] = [];
  closedWith: CloseReason | undefined;
  corks = 0;
  uncorks = 0;
  stuck = false;
  private drainListeners: (() => void)[] = [];

  write(bytes: Uint8Array): boolean {
    if (this.closedWith !== undefined) throw new Error('write after close');
    this.writes.push(bytes);
    return !this.stuck;
  }

  onDrain(listener: () => void): void {
    this.drainListeners.push(listener);
  }

  close(reason: CloseReason): void {
    this.closedWith = reason;
  }

  cork(): void {
    this.corks++;
  }

  uncork(): void {
    this.uncorks++;
  }

  /** Pretends the socket buffer emptied. */
  drain(): void {
    this.stuck = false;
    for (const l of this.drainListeners) l();
  }

  get bytesWritten(): number {
    return this.writes.reduce((n, w) => n + w.length, 0);
  }

  /** Everything written, as one array (what the far end would have read). */
  concat(): Uint8Array {
    const out = new Uint8Array(this.bytesWritten);
    let at = 0;
    for (const w of this.writes) {
      out.set(w, at);
      at += w.length;
    }
    return out;
  }
}

/** Serial number written into a synthetic payload (video after the 5-byte NAL prefix). */
export function serialOf(packet: { kind: string; data: Uint8Array }): number {
  const at = packet.kind === 'video' ? 5 : 0;
  const d = packet.data;
  return (d[at] ?? 0) * 65536 + (d[at + 1] ?? 0) * 256 + (d[at + 2] ?? 0);
}

/** A scheduler the test runs by hand, to see what one "turn" batches. */
export class ManualScheduler {
  private tasks: (() => void)[] = [];
  readonly schedule = (task: () => void): void => {
    this.tasks.push(task);
  };

  run(): void {
    const tasks = this.tasks;
    this.tasks = [];
    for (const t of tasks) t();
  }

  get pending(): number {
    return this.tasks.length;
  }
}
