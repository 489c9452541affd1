import { Fmp4Passthrough } from './fmp4-passthrough.js';
import { FlvTransmuxer } from './flv-transmuxer.js';
import { sniffFormat } from './format-sniff.js';
import type { SniffedFormat } from './format-sniff.js';
import { TsTransmuxer } from './ts-transmuxer.js';
import type { TransmuxInputFormat, TransmuxOptions, TransmuxOutput } from './transmux-types.js';

/** Default of TransmuxOptions.audioGapFillMs. */
export const DEFAULT_AUDIO_GAP_FILL_MS = 50;

interface Engine {
  push(bytes: Uint8Array): TransmuxOutput[];
  flush(): TransmuxOutput[];
}

/**
 * Stream bytes in, fMP4 for one SourceBuffer out: FLV and MPEG-TS are remuxed, fMP4 passes
 * through; 'auto' picks one of them from the first byte. The same class runs inline and inside
 * the worker. Never throws: after an 'error' output the input is ignored (a new connection
 * needs a new Transmuxer). discontinuity() starts a fresh engine for a new timeline.
 */
export class Transmuxer {
  private readonly format: TransmuxInputFormat;
  private readonly gapMs: number;
  private engine: Engine | undefined;
  private failed = false;

  constructor(options: TransmuxOptions) {
    const gap = options.audioGapFillMs;
    this.gapMs =
      gap !== undefined && Number.isFinite(gap) && gap >= 0 ? gap : DEFAULT_AUDIO_GAP_FILL_MS;
    this.format = options.format;
    if (options.format !== 'auto') this.engine = this.create(options.format);
  }

  push(bytes: Uint8Array): TransmuxOutput[] {
    if (bytes.length === 0) return [];
    return this.guard(() => {
      this.engine ??= this.create(sniffFormat(bytes[0] ?? 0));
      return this.engine.push(bytes);
    });
  }

  flush(): TransmuxOutput[] {
    return this.guard(() => this.engine?.flush() ?? []);
  }

  /**
   * The input starts over (HLS EXT-X-DISCONTINUITY, RFC 8216 4.3.2.3): what the old engine
   * holds goes out, then a 'discontinuity' marker; the next bytes start a new engine, which
   * repeats the init segment and may have another format, codecs and timestamps.
   */
  discontinuity(): TransmuxOutput[] {
    const out = this.flush();
    if (this.failed) return out;
    this.engine = this.format === 'auto' ? undefined : this.create(this.format);
    out.push({ type: 'discontinuity' });
    return out;
  }

  private create(format: SniffedFormat): Engine {
    if (format === 'fmp4') return new Fmp4Passthrough();
    if (format === 'ts') return new TsTransmuxer(this.gapMs);
    return new FlvTransmuxer(this.gapMs);
  }

  private guard(run: () => TransmuxOutput[]): TransmuxOutput[] {
    if (this.failed) return [];
    let out: TransmuxOutput[];
    try {
      out = run();
    } catch (e) {
      // Builders throw InvalidArgumentError for values they cannot write: a stream we cannot use.
      out = [{ type: 'error', code: 'DEMUX', message: `transmux failed: ${describe(e)}` }];
    }
    if (out.some((o) => o.type === 'error')) this.failed = true;
    return out;
  }
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
