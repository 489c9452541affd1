import type { MediaError } from '../errors.js';
import type { DemuxEvent } from '../types.js';

/**
 * What the transport stream demuxer hands an elementary stream parser, and what the parsers
 * give back: one contract for video (ts-es-video.ts) and audio (ts-es-audio.ts).
 */

/** One PES packet's payload with its timestamps already unwrapped (90 kHz, monotonic). */
export interface EsUnit {
  /** undefined when the PES carries no PTS (it then starts no access unit, 2.4.3.7). */
  pts: number | undefined;
  /** Equals `pts` when the PES has no DTS. */
  dts: number | undefined;
  data: Uint8Array;
  /** Stream offset of the PES's first transport packet. */
  offset: number;
}

/** Where a parser puts its events; `warn` with a key reports that kind of damage only once. */
export interface EsSink {
  readonly events: DemuxEvent[];
  warn(error: MediaError, onceKey?: string): void;
}

export interface EsStream {
  push(unit: EsUnit, sink: EsSink): void;
  /** End of input: frames held back waiting for more bytes come out (or are reported). */
  flush(sink: EsSink): void;
  /** Damage upstream (continuity error): drop partial state so no broken frame comes out. */
  discard(): void;
  /** Bytes held between PES packets. */
  readonly bufferedBytes: number;
}
