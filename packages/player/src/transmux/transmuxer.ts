import { Fmp4Passthrough } from './fmp4-passthrough.js';
import { FlvTransmuxer } from './flv-transmuxer.js';
import type { TransmuxOptions, TransmuxOutput } from './transmux-types.js';

/** Default of TransmuxOptions.audioGapFillMs. */
export const DEFAULT_AUDIO_GAP_FILL_MS = 50;

interface Engine {
  push(bytes: Uint8Array): TransmuxOutput[];
  flush(): TransmuxOutput[];
}

/**
 * Stream bytes in, fMP4 for one SourceBuffer out: FLV is remuxed, fMP4 passes through. The
 * same class runs inline and inside the worker. Never throws: after an 'error' output the
 * input is ignored (a new connection needs a new Transmuxer).
 */
export class Transmuxer {
  private readonly engine: Engine;
  private failed = false;

  constructor(options: TransmuxOptions) {
    const gap = options.audioGapFillMs;
    const gapMs =
      gap !== undefined && Number.isFinite(gap) && gap >= 0 ? gap : DEFAULT_AUDIO_GAP_FILL_MS;
    this.engine = options.format === 'fmp4' ? new Fmp4Passthrough() : new FlvTransmuxer(gapMs);
  }

  push(bytes: Uint8Array): TransmuxOutput[] {
    return this.guard(() => this.engine.push(bytes));
  }

  flush(): TransmuxOutput[] {
    return this.guard(() => this.engine.flush());
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
