import type { MediaError } from '../errors.js';
import { LimitExceededError, MalformedError, asMediaError } from '../errors.js';
import type { PlaylistParseOptions } from './playlist-types.js';
import { resolveUri } from './uri-resolve.js';

/**
 * The line layer shared by the playlist parsers (RFC 8216 4.1): lines end in LF or CRLF, blank
 * lines are ignored, a line starting with `#EXT` is a tag, any other `#` line a comment, and the
 * rest are URIs. Each line keeps its 1-based number and the UTF-8 byte offset of its start so
 * errors can point at it.
 */

export const DEFAULT_MAX_LENGTH = 16 * 1024 * 1024;
export const DEFAULT_MAX_ENTRIES = 100_000;

export type PlaylistLine =
  | { kind: 'tag'; name: string; value: string | undefined; number: number; offset: number }
  | { kind: 'uri'; uri: string; number: number; offset: number };

/** UTF-8 length of `text` (surrogate pairs are 4 bytes, lone surrogates 3 like U+FFFD). */
function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

/**
 * The tags and URIs of `text`, after checking its size and the `#EXTM3U` header (RFC 8216
 * 4.3.1.1: the first line of every playlist). A byte order mark is refused (4.1).
 */
export function playlistLines(text: string, maxLength = DEFAULT_MAX_LENGTH): PlaylistLine[] {
  if (text.length > maxLength) {
    throw new LimitExceededError(`playlist of ${text.length} characters exceeds ${maxLength}`);
  }
  const lines: PlaylistLine[] = [];
  let offset = 0;
  let number = 0;
  for (let start = 0; start <= text.length;) {
    const lf = text.indexOf('\n', start);
    const end = lf < 0 ? text.length : lf;
    const raw = text.slice(start, end);
    number++;
    const line = raw.trim();
    // trim() would drop a byte order mark (U+FEFF), which RFC 8216 4.1 forbids.
    if (number === 1 && (line !== '#EXTM3U' || raw.startsWith('\ufeff'))) {
      const why = raw.startsWith('\ufeff') ? 'a byte order mark before #EXTM3U' : 'no #EXTM3U';
      throw new MalformedError(`line 1: ${why} (RFC 8216 4.3.1.1)`, { offset: 0 });
    }
    if (number > 1 && line !== '') {
      if (line.startsWith('#EXT')) {
        const colon = line.indexOf(':');
        const name = (colon < 0 ? line : line.slice(0, colon)).slice(1);
        const value = colon < 0 ? undefined : line.slice(colon + 1);
        lines.push({ kind: 'tag', name, value, number, offset });
      } else if (!line.startsWith('#')) {
        lines.push({ kind: 'uri', uri: line, number, offset });
      }
    }
    offset += utf8Length(raw) + 1;
    if (lf < 0) break;
    start = lf + 1;
  }
  return lines;
}

/** `error` (whatever it is) as a MediaError naming the line it came from. */
export function lineError(line: { number: number; offset: number }, error: unknown): MediaError {
  const e = asMediaError(error, line.offset);
  if (e.message.startsWith('line ')) return e;
  const message = `line ${line.number}: ${e.message}`;
  const options = { offset: line.offset, cause: e };
  return e instanceof LimitExceededError
    ? new LimitExceededError(message, options)
    : new MalformedError(message, options);
}

/** The value of a tag that must have one (`#EXT-X-FOO:<value>`). */
export function tagValue(line: { name: string; value: string | undefined }): string {
  if (line.value === undefined || line.value === '') {
    throw new MalformedError(`#${line.name} needs a value`);
  }
  return line.value;
}

/** Options, or (for convenience) just the base URI. */
export function parseOptions(options: PlaylistParseOptions | string | undefined): {
  resolve: (uri: string) => string;
  maxLength: number;
  maxEntries: number;
} {
  const o = typeof options === 'string' ? { baseUri: options } : (options ?? {});
  const base = o.baseUri;
  return {
    resolve: base === undefined ? (uri: string) => uri : (uri: string) => resolveUri(base, uri),
    maxLength: o.maxLength ?? DEFAULT_MAX_LENGTH,
    maxEntries: o.maxEntries ?? DEFAULT_MAX_ENTRIES,
  };
}
