/**
 * Walks an FLV byte stream split anywhere and reports each tag's timestamp, reading only the
 * 9-byte file header and the 11-byte tag headers (FLV spec v10.1 E.2, E.4.1): a viewer in
 * the load generator must cost far less than the server it measures.
 */

const FILE_HEADER_BYTES = 9;
const PREVIOUS_TAG_SIZE_BYTES = 4;
const TAG_HEADER_BYTES = 11;

export class FlvTagScanner {
  /** Bytes still to skip: tag body + PreviousTagSize, or the file header + PreviousTagSize0. */
  private skip = FILE_HEADER_BYTES + PREVIOUS_TAG_SIZE_BYTES;
  private readonly header = new Uint8Array(TAG_HEADER_BYTES);
  private headerFill = 0;
  private checkedSignature = false;
  tags = 0;

  /** Calls onTag(timestampMs, tagType) for each tag header completed by `chunk`. */
  push(chunk: Uint8Array, onTag: (timestampMs: number, tagType: number) => void): void {
    let pos = 0;
    if (!this.checkedSignature && chunk.length > 0) {
      // 'F' 'L' 'V' (E.2); only the first byte is checked: chunks may split the signature.
      if (chunk[0] !== 0x46) throw new Error('not an FLV stream');
      this.checkedSignature = true;
    }
    while (pos < chunk.length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - pos);
        this.skip -= n;
        pos += n;
        continue;
      }
      const n = Math.min(TAG_HEADER_BYTES - this.headerFill, chunk.length - pos);
      this.header.set(chunk.subarray(pos, pos + n), this.headerFill);
      this.headerFill += n;
      pos += n;
      if (this.headerFill < TAG_HEADER_BYTES) break;
      this.headerFill = 0;
      const h = this.header;
      // TagType (low 5 bits), DataSize UI24, Timestamp UI24 + TimestampExtended UI8 (upper bits).
      const tagType = (h[0] ?? 0) & 0x1f;
      const dataSize = (h[1] ?? 0) * 65536 + (h[2] ?? 0) * 256 + (h[3] ?? 0);
      const timestamp =
        (h[7] ?? 0) * 16777216 + (h[4] ?? 0) * 65536 + (h[5] ?? 0) * 256 + (h[6] ?? 0);
      this.skip = dataSize + PREVIOUS_TAG_SIZE_BYTES;
      this.tags += 1;
      onTag(timestamp, tagType);
    }
  }
}
