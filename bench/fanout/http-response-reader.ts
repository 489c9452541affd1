/**
 * A lean, incremental HTTP/1.1 response reader for the load generator (RFC 9112): status line
 * and header fields (section 4, 5), then the body framed by chunked transfer coding (7.1),
 * Content-Length (6.2) or the end of the connection (6.3 rule 8); after a 101 (WebSocket
 * upgrade) every later byte counts as body. Bytes may be split anywhere;
 * body bytes are handed on as views of the input, never copied. Throws Error on bad framing.
 */

/** Longest response head accepted (status line + fields). */
const MAX_HEAD_BYTES = 16 * 1024;
/** Longest chunk-size line with extensions, and longest trailer line. */
const MAX_LINE_BYTES = 4096;
/** Chunk sizes past this are nonsense for a live stream (and would lose precision soon). */
const MAX_CHUNK_SIZE = 2 ** 40;

const CR = 0x0d;
const LF = 0x0a;

export interface HttpResponseHead {
  status: number;
  /** Field names lower-cased; repeated fields joined with ", " (RFC 9110 5.3). */
  headers: Map<string, string>;
}

type State =
  | 'head'
  | 'chunk-size'
  | 'chunk-ext'
  | 'chunk-data'
  | 'chunk-data-cr'
  | 'chunk-data-lf'
  | 'trailer'
  | 'length'
  | 'until-close'
  | 'done';

export interface HttpResponseHandlers {
  /** The head is complete; return false to stop reading (e.g. an unexpected status). */
  onHead(head: HttpResponseHead): boolean;
  onBody(bytes: Uint8Array): void;
}

export class HttpResponseReader {
  private state: State = 'head';
  private head = '';
  private remaining = 0;
  private lineBytes = 0;
  private sawDigit = false;

  constructor(private readonly handlers: HttpResponseHandlers) {}

  /** The body is complete (last-chunk and trailers, or Content-Length reached). */
  get done(): boolean {
    return this.state === 'done';
  }

  /** Feeds bytes from the socket. */
  push(bytes: Uint8Array): void {
    let pos = 0;
    if (this.state === 'head') {
      pos = this.readHead(bytes);
      if (pos < 0) return;
    }
    while (pos < bytes.length && this.state !== 'done') pos = this.step(bytes, pos);
  }

  /**
   * The connection closed. True when that ends the body properly: a close-delimited body, or
   * a body that was already complete; false when it cut the response short.
   */
  end(): boolean {
    if (this.state === 'until-close') this.state = 'done';
    return this.state === 'done';
  }

  /** Returns the offset of the first body byte, or -1 while the head is incomplete. */
  private readHead(bytes: Uint8Array): number {
    const before = this.head.length;
    this.head += Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
    const end = this.head.indexOf('\r\n\r\n');
    if (end < 0) {
      if (this.head.length > MAX_HEAD_BYTES) throw new Error('HTTP head too long');
      return -1;
    }
    const head = parseHead(this.head.slice(0, end));
    this.head = '';
    const chunked = /(^|,)\s*chunked\s*$/i.test(head.headers.get('transfer-encoding') ?? '');
    const length = head.headers.get('content-length');
    // 101 Switching Protocols (RFC 9110 15.2.2): every later byte is the new protocol's.
    if (head.status === 101) this.state = 'until-close';
    else if (chunked) this.state = 'chunk-size';
    else if (length !== undefined) this.startLength(length);
    else this.state = 'until-close';
    if (!this.handlers.onHead(head)) this.state = 'done';
    return end + 4 - before;
  }

  private startLength(text: string): void {
    if (!/^\d{1,15}$/.test(text.trim())) throw new Error(`bad Content-Length ${text}`);
    this.remaining = Number(text.trim());
    this.state = this.remaining === 0 ? 'done' : 'length';
  }

  /** One step of the body state machine from `pos`; returns the new position. */
  private step(bytes: Uint8Array, pos: number): number {
    switch (this.state) {
      case 'chunk-data':
      case 'length': {
        const n = Math.min(this.remaining, bytes.length - pos);
        this.handlers.onBody(bytes.subarray(pos, pos + n));
        this.remaining -= n;
        if (this.remaining === 0) this.state = this.state === 'length' ? 'done' : 'chunk-data-cr';
        return pos + n;
      }
      case 'until-close':
        this.handlers.onBody(pos === 0 ? bytes : bytes.subarray(pos));
        return bytes.length;
      case 'chunk-size':
        return this.chunkSize(bytes[pos] ?? 0, pos);
      case 'chunk-ext':
        this.lineLimit();
        if (bytes[pos] === LF) this.endSizeLine();
        return pos + 1;
      case 'chunk-data-cr':
        if (bytes[pos] !== CR) throw new Error('chunk data not followed by CRLF');
        this.state = 'chunk-data-lf';
        return pos + 1;
      case 'chunk-data-lf':
        if (bytes[pos] !== LF) throw new Error('chunk data not followed by CRLF');
        this.state = 'chunk-size';
        this.lineBytes = 0;
        this.sawDigit = false;
        return pos + 1;
      case 'trailer':
        // Trailer fields are skipped; an empty line (just CRLF) ends the message.
        if (bytes[pos] === LF) {
          if (this.lineBytes === 0) this.state = 'done';
          this.lineBytes = 0;
        } else if (bytes[pos] !== CR) {
          this.lineLimit();
        }
        return pos + 1;
      case 'head':
      case 'done':
        return bytes.length;
    }
  }

  /** chunk-size = 1*HEXDIG, then chunk-ext or CRLF (RFC 9112 7.1). */
  private chunkSize(byte: number, pos: number): number {
    const digit = hexValue(byte);
    if (digit >= 0) {
      this.remaining = this.remaining * 16 + digit;
      if (this.remaining > MAX_CHUNK_SIZE) throw new Error('chunk size too large');
      this.sawDigit = true;
      this.lineLimit();
    } else if (byte === LF) {
      this.endSizeLine();
    } else if (byte === 0x3b || byte === 0x20 || byte === 0x09) {
      this.state = 'chunk-ext'; // ';' extension, or whitespace before it
    } else if (byte !== CR) {
      throw new Error(`bad chunk-size byte 0x${byte.toString(16)}`);
    }
    return pos + 1;
  }

  private endSizeLine(): void {
    if (!this.sawDigit) throw new Error('empty chunk-size line');
    this.lineBytes = 0;
    this.state = this.remaining === 0 ? 'trailer' : 'chunk-data';
  }

  private lineLimit(): void {
    this.lineBytes += 1;
    if (this.lineBytes > MAX_LINE_BYTES) throw new Error('HTTP line too long');
  }
}

function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x61 + 10;
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x41 + 10;
  return -1;
}

/** status-line = HTTP-version SP status-code SP [reason-phrase] (RFC 9112 4). */
function parseHead(text: string): HttpResponseHead {
  const lines = text.split('\r\n');
  const match = /^HTTP\/1\.[01] (\d{3})(?: |$)/.exec(lines[0] ?? '');
  if (match === null) throw new Error(`bad status line ${JSON.stringify(lines[0] ?? '')}`);
  const headers = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`bad header line ${JSON.stringify(line)}`);
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    const seen = headers.get(name);
    headers.set(name, seen === undefined ? value : `${seen}, ${value}`);
  }
  return { status: Number(match[1]), headers };
}
