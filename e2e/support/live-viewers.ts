/**
 * Test viewers of a live stream: HTTP (node:http, chunked body) and WebSocket (`ws`) clients
 * that keep every byte they get, an FLV viewer that demuxes as bytes arrive (to check progress
 * while a test runs), and ffprobe run against a live URL (packets plus decoded frames).
 */
import { get } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { FlvDemuxer } from '@tidecast/media';
import { WebSocket } from 'ws';
import { ffprobeBinary } from './ffprobe.js';
import type { ProbeKind } from './ffprobe.js';
import { fromMediaPackets } from './live-timeline.js';
import type { TimedFrame } from './live-timeline.js';
import { runCommand } from './run-command.js';

export interface ViewerEnd {
  /** 'end': the server ended the body / closed the WebSocket; 'error': the connection broke. */
  how: 'end' | 'error';
  /** WebSocket close code (0 for HTTP). */
  code: number;
  detail: string;
}

type Transport = 'http' | 'ws';

export interface RawViewerOptions {
  /** Keep every received piece in `pieces` (default true; long runs turn it off). */
  keep?: boolean;
}

/** One viewer connection keeping every received piece (HTTP chunk or WS message). */
export class RawViewer {
  readonly pieces: Uint8Array[] = [];
  status = 0;
  headers: IncomingHttpHeaders = {};
  bytes = 0;
  readonly opened: Promise<void>;
  readonly closed: Promise<ViewerEnd>;
  private abortFn: () => void = () => undefined;
  private listener: ((piece: Uint8Array) => void) | undefined;

  private readonly keep: boolean;

  constructor(
    readonly url: string,
    options: RawViewerOptions = {},
  ) {
    const transport: Transport = url.startsWith('ws') ? 'ws' : 'http';
    this.keep = options.keep ?? true;
    let open: () => void = () => undefined;
    let fail: (e: Error) => void = () => undefined;
    this.opened = new Promise<void>((resolve, reject) => {
      open = resolve;
      fail = reject;
    });
    this.opened.catch(() => undefined);
    this.closed = new Promise<ViewerEnd>((resolve) => {
      const done = (end: ViewerEnd): void => {
        fail(new Error(`${url}: ${end.how} ${end.detail}`));
        resolve(end);
      };
      if (transport === 'http') this.startHttp(open, done);
      else this.startWs(open, done);
    });
  }

  /** Called for every piece from now on (pieces already received are in `pieces`). */
  onPiece(listener: (piece: Uint8Array) => void): void {
    this.listener = listener;
  }

  abort(): void {
    this.abortFn();
  }

  private take(piece: Uint8Array): void {
    if (this.keep) this.pieces.push(piece);
    this.bytes += piece.length;
    this.listener?.(piece);
  }

  private startHttp(open: () => void, done: (end: ViewerEnd) => void): void {
    const req = get(this.url, (res) => {
      this.status = res.statusCode ?? 0;
      this.headers = res.headers;
      open();
      res.on('data', (chunk: Buffer) => this.take(new Uint8Array(chunk)));
      res.on('end', () => done({ how: 'end', code: 0, detail: `HTTP ${this.status} ended` }));
      res.on('error', (e) => done({ how: 'error', code: 0, detail: e.message }));
      res.on('close', () => {
        if (!res.complete) done({ how: 'error', code: 0, detail: 'response closed early' });
      });
    });
    req.on('error', (e) => done({ how: 'error', code: 0, detail: e.message }));
    this.abortFn = () => req.destroy();
  }

  private startWs(open: () => void, done: (end: ViewerEnd) => void): void {
    const ws = new WebSocket(this.url);
    ws.binaryType = 'nodebuffer';
    ws.on('open', () => {
      this.status = 101;
      open();
    });
    ws.on('unexpected-response', (_req, res) => {
      this.status = res.statusCode ?? 0;
      done({ how: 'error', code: 0, detail: `HTTP ${this.status} instead of an upgrade` });
      ws.terminate();
    });
    ws.on('message', (data: Buffer) => this.take(new Uint8Array(data)));
    ws.on('close', (code, reason) => done({ how: 'end', code, detail: reason.toString() }));
    ws.on('error', (e) => done({ how: 'error', code: 0, detail: e.message }));
    this.abortFn = () => ws.terminate();
  }
}

/** An FLV viewer (HTTP-FLV or WS-FLV) that demuxes as bytes arrive. */
export class FlvViewer {
  readonly raw: RawViewer;
  readonly frames: TimedFrame[] = [];
  readonly problems: string[] = [];
  tracks = 0;
  private readonly demuxer = new FlvDemuxer();

  /** `keepBytes`: also keep the raw pieces (default false: only the demuxed frame list). */
  constructor(url: string, options: { keepBytes?: boolean } = {}) {
    this.raw = new RawViewer(url, { keep: options.keepBytes ?? false });
    this.raw.onPiece((piece) => {
      for (const e of this.demuxer.push(piece)) {
        if (e.type === 'packet') this.frames.push(...fromMediaPackets([e.packet]));
        else if (e.type === 'track') this.tracks++;
        else if (e.type === 'error' || e.type === 'warning') {
          this.problems.push(`${e.type}: ${e.error.message}`);
        }
      }
    });
  }

  count(kind: ProbeKind): number {
    let n = 0;
    for (const f of this.frames) if (f.kind === kind) n++;
    return n;
  }

  of(kind: ProbeKind): TimedFrame[] {
    return this.frames.filter((f) => f.kind === kind);
  }
}

export interface LiveProbe {
  exitCode: number | null;
  stderr: string;
  /** Packets as read (ms). */
  frames: TimedFrame[];
  /** Frames the decoders produced, per kind. */
  decoded: { video: number; audio: number };
}

type Json = Record<string, unknown>;
const isJson = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isJson) : []);
const num = (v: unknown): number | null =>
  typeof v === 'number'
    ? v
    : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))
      ? Number(v)
      : null;

/**
 * ffprobe reads a live URL (rtmp://, http://...flv, http://...mp4) to its end, listing every
 * packet and decoding every frame: `-v error` leaves stderr empty when nothing went wrong.
 */
export async function probeLive(url: string, timeoutMs = 30_000): Promise<LiveProbe> {
  const args = ['-v', 'error', '-show_entries'];
  args.push(
    'stream=index,codec_type,time_base:packet=stream_index,dts,pts,flags,size:frame=media_type',
  );
  args.push('-of', 'json', url);
  const result = await runCommand(ffprobeBinary(), args, { timeoutMs });
  const out: LiveProbe = {
    exitCode: result.exitCode,
    stderr: result.stderr.trim(),
    frames: [],
    decoded: { video: 0, audio: 0 },
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(result.stdout);
  } catch {
    out.stderr += `\n(unparsable ffprobe output: ${result.stdout.slice(0, 200)})`;
    return out;
  }
  if (!isJson(parsed)) return out;
  const streams = new Map<number, { kind: ProbeKind; num: number; den: number }>();
  for (const s of list(parsed['streams'])) {
    const kind = s['codec_type'];
    const tb = /^(\d+)\/(\d+)$/.exec(String(s['time_base']));
    if ((kind === 'video' || kind === 'audio') && tb !== null) {
      streams.set(num(s['index']) ?? -1, { kind, num: Number(tb[1]), den: Number(tb[2]) });
    }
  }
  const entries = [
    ...list(parsed['packets_and_frames']),
    ...list(parsed['packets']),
    ...list(parsed['frames']),
  ];
  for (const e of entries) {
    if (e['type'] === 'frame' || e['media_type'] !== undefined) {
      if (e['media_type'] === 'video') out.decoded.video++;
      if (e['media_type'] === 'audio') out.decoded.audio++;
      continue;
    }
    const stream = streams.get(num(e['stream_index']) ?? -1);
    if (stream === undefined) continue;
    const ms = (v: unknown): number =>
      Math.round(((num(v) ?? Number.NaN) * stream.num * 1000) / stream.den);
    out.frames.push({
      kind: stream.kind,
      dts: ms(e['dts']),
      pts: ms(e['pts']),
      keyframe: String(e['flags'] ?? '').includes('K'),
      size: num(e['size']) ?? 0,
    });
  }
  return out;
}
