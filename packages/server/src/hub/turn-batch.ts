/**
 * What one event-loop turn produced for one output format. Every viewer that is keeping up
 * gets the whole batch in one write of bytes shared with all other such viewers: the payload
 * (the chunks back to back) and each wire framing of it are built once, on first use.
 */
import type { StreamChunk, WireFraming } from './stream-output.js';

export class TurnBatch {
  readonly chunks: readonly StreamChunk[];
  readonly byteLength: number;
  private joined: Uint8Array | undefined;
  private readonly framed = new Map<WireFraming, Uint8Array>();

  constructor(chunks: readonly StreamChunk[]) {
    this.chunks = chunks;
    let length = 0;
    for (const chunk of chunks) length += chunk.bytes.length;
    this.byteLength = length;
  }

  /** The chunks' bytes back to back (the only chunk itself when there is one). */
  get payload(): Uint8Array {
    if (this.joined !== undefined) return this.joined;
    const only = this.chunks.length === 1 ? this.chunks[0] : undefined;
    if (only !== undefined) {
      this.joined = only.bytes;
    } else {
      this.joined = new Uint8Array(this.byteLength);
      let offset = 0;
      for (const chunk of this.chunks) {
        this.joined.set(chunk.bytes, offset);
        offset += chunk.bytes.length;
      }
    }
    return this.joined;
  }

  /** The payload framed by `framing`, built once per framing. */
  wire(framing: WireFraming): Uint8Array {
    let bytes = this.framed.get(framing);
    if (bytes === undefined) {
      bytes = framing.frame(this.payload);
      this.framed.set(framing, bytes);
    }
    return bytes;
  }
}
