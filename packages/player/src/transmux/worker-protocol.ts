import { TRANSMUX_INPUT_FORMATS } from './transmux-types.js';
import type { MediaSummary, TransmuxOptions, TransmuxOutput } from './transmux-types.js';

/**
 * Messages between TransmuxClient and the transmux worker. Both directions are discriminated
 * unions, and whatever arrives is `unknown` until the parse functions below accept it.
 */
export type ClientMessage =
  | { type: 'open'; options: TransmuxOptions }
  /** `seq` increases by one per data message; the worker acknowledges it after processing. */
  | { type: 'data'; seq: number; bytes: Uint8Array }
  | { type: 'flush' }
  /** The input starts a new timeline (Transmuxer.discontinuity). */
  | { type: 'discontinuity' }
  | { type: 'close' };

export type WorkerMessage =
  /** Outputs of everything up to data message `ack` (sent even when `outputs` is empty). */
  { type: 'output'; ack: number; outputs: TransmuxOutput[] } | { type: 'fatal'; message: string };

/** The part of a Worker the client uses (a real Worker, or a stand-in in tests). */
export interface WorkerLike {
  onmessage: ((event: { data: unknown }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  onmessageerror: ((event: unknown) => void) | null;
  postMessage(message: ClientMessage, transfer: Transferable[]): void;
  terminate(): void;
}

type Fields = Record<string, unknown>;

function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null;
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function isOptions(value: unknown): value is TransmuxOptions {
  if (!isObject(value)) return false;
  if (!TRANSMUX_INPUT_FORMATS.some((f) => f === value.format)) return false;
  return value.audioGapFillMs === undefined || isNumber(value.audioGapFillMs);
}

export function parseClientMessage(data: unknown): ClientMessage | undefined {
  if (!isObject(data)) return undefined;
  switch (data.type) {
    case 'open':
      return isOptions(data.options) ? { type: 'open', options: data.options } : undefined;
    case 'data':
      return isNumber(data.seq) && data.bytes instanceof Uint8Array
        ? { type: 'data', seq: data.seq, bytes: data.bytes }
        : undefined;
    case 'flush':
    case 'discontinuity':
    case 'close':
      return { type: data.type };
    default:
      return undefined;
  }
}

function isSummary(value: unknown): value is MediaSummary {
  if (!isObject(value) || typeof value.mimeType !== 'string') return false;
  const video = value.video;
  const audio = value.audio;
  const videoOk =
    video === undefined ||
    (isObject(video) &&
      typeof video.codec === 'string' &&
      isNumber(video.width) &&
      isNumber(video.height));
  const audioOk =
    audio === undefined ||
    (isObject(audio) &&
      typeof audio.codec === 'string' &&
      isNumber(audio.sampleRate) &&
      isNumber(audio.channels));
  return videoOk && audioOk;
}

function isOutput(value: unknown): value is TransmuxOutput {
  if (!isObject(value)) return false;
  switch (value.type) {
    case 'init':
      return value.bytes instanceof Uint8Array && isSummary(value.media);
    case 'segment':
      return (
        value.bytes instanceof Uint8Array &&
        isNumber(value.startSec) &&
        isNumber(value.endSec) &&
        isNumber(value.videoFrames) &&
        isNumber(value.keyframes) &&
        isNumber(value.audioFrames)
      );
    case 'discontinuity':
      return true;
    case 'warning':
      return typeof value.code === 'string' && typeof value.message === 'string';
    case 'error':
      return (
        (value.code === 'DEMUX' || value.code === 'UNSUPPORTED_CODEC') &&
        typeof value.message === 'string'
      );
    default:
      return false;
  }
}

export function parseWorkerMessage(data: unknown): WorkerMessage | undefined {
  if (!isObject(data)) return undefined;
  if (data.type === 'fatal') {
    return typeof data.message === 'string' ? { type: 'fatal', message: data.message } : undefined;
  }
  if (data.type !== 'output' || !isNumber(data.ack) || !Array.isArray(data.outputs))
    return undefined;
  const outputs: unknown[] = data.outputs;
  return outputs.every(isOutput)
    ? { type: 'output', ack: data.ack, outputs: outputs.filter(isOutput) }
    : undefined;
}

/**
 * The ArrayBuffers to transfer with `outputs`. A view that does not own its whole buffer is
 * replaced by a copy first, so nothing else is detached and no buffer is listed twice.
 */
export function transferList(outputs: TransmuxOutput[]): ArrayBuffer[] {
  const list: ArrayBuffer[] = [];
  const seen = new Set<ArrayBufferLike>();
  for (const o of outputs) {
    if (o.type !== 'init' && o.type !== 'segment') continue;
    let bytes = o.bytes;
    if (
      !(bytes.buffer instanceof ArrayBuffer) ||
      bytes.byteOffset !== 0 ||
      bytes.byteLength !== bytes.buffer.byteLength ||
      seen.has(bytes.buffer)
    ) {
      bytes = bytes.slice();
      o.bytes = bytes;
    }
    const buffer = bytes.buffer;
    if (buffer instanceof ArrayBuffer) {
      seen.add(buffer);
      list.push(buffer);
    }
  }
  return list;
}
