import { InvalidArgumentError } from '../errors.js';
import {
  decimalFloat,
  decimalInteger,
  enumeratedString,
  formatAttributeList,
  hexSequence,
  quotedString,
  yes,
} from './attribute-list.js';
import type {
  ByteRangeSpec,
  MediaInitializationSection,
  SegmentKey,
  StartPoint,
} from './playlist-types.js';

/** Tag values used by both playlist writers, validated so nothing can break a line. */

/** A URI line or URI attribute: non-empty, one line, not mistakable for a tag or comment. */
export function checkUri(uri: string, what = 'URI'): string {
  if (uri === '' || uri !== uri.trim() || /[\r\n]/.test(uri) || uri.startsWith('#')) {
    throw new InvalidArgumentError(`${what} "${uri}" cannot be written on a playlist line`);
  }
  return uri;
}

export function quotedUri(uri: string, what = 'URI'): string {
  return quotedString(checkUri(uri, what), what);
}

/** `<n>[@<o>]` (RFC 8216 4.3.2.2). */
export function formatByteRange(r: ByteRangeSpec): string {
  const length = decimalInteger(r.length, 'byte-range length');
  return r.offset === undefined
    ? length
    : `${length}@${decimalInteger(r.offset, 'byte-range offset')}`;
}

/** EXT-X-MAP attributes (RFC 8216 4.3.2.5). */
export function formatMap(map: MediaInitializationSection): string {
  return formatAttributeList([
    ['URI', quotedUri(map.uri, 'EXT-X-MAP URI')],
    ['BYTERANGE', map.byteRange === undefined ? undefined : `"${formatByteRange(map.byteRange)}"`],
  ]);
}

/** EXT-X-KEY / EXT-X-SESSION-KEY attributes (RFC 8216 4.3.2.4); no key is METHOD=NONE. */
export function formatKey(key: SegmentKey | undefined): string {
  if (key === undefined) return 'METHOD=NONE';
  if (key.method === 'NONE') throw new InvalidArgumentError('a key with METHOD=NONE is no key');
  if (key.iv !== undefined && key.iv.length !== 16) {
    throw new InvalidArgumentError(`IV of ${key.iv.length} bytes, not 16`);
  }
  return formatAttributeList([
    ['METHOD', enumeratedString(key.method, 'METHOD')],
    ['URI', key.uri === undefined ? undefined : quotedUri(key.uri, 'EXT-X-KEY URI')],
    ['IV', key.iv === undefined ? undefined : hexSequence(key.iv)],
    ['KEYFORMAT', key.keyFormat === undefined ? undefined : quotedString(key.keyFormat)],
    [
      'KEYFORMATVERSIONS',
      key.keyFormatVersions === undefined ? undefined : quotedString(key.keyFormatVersions),
    ],
  ]);
}

/** EXT-X-START attributes (RFC 8216 4.3.5.2). */
export function formatStart(start: StartPoint): string {
  return formatAttributeList([
    ['TIME-OFFSET', decimalFloat(start.timeOffset, 'TIME-OFFSET', 5, true)],
    ['PRECISE', yes(start.precise)],
  ]);
}

/** The version a key needs (RFC 8216 7): IV -> 2, KEYFORMAT(VERSIONS) or SAMPLE-AES -> 5. */
export function keyVersion(key: SegmentKey | undefined): number {
  if (key === undefined) return 1;
  if (key.keyFormat !== undefined || key.keyFormatVersions !== undefined) return 5;
  if (key.method === 'SAMPLE-AES') return 5;
  return key.iv === undefined ? 1 : 2;
}

export function sameByteRange(a: ByteRangeSpec | undefined, b: ByteRangeSpec | undefined): boolean {
  return a?.length === b?.length && a?.offset === b?.offset;
}

export function sameMap(
  a: MediaInitializationSection | undefined,
  b: MediaInitializationSection | undefined,
): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.uri === b.uri && sameByteRange(a.byteRange, b.byteRange);
}

export function sameKey(a: SegmentKey | undefined, b: SegmentKey | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  const ivA = a.iv === undefined ? undefined : hexSequence(a.iv);
  const ivB = b.iv === undefined ? undefined : hexSequence(b.iv);
  return (
    a.method === b.method &&
    a.uri === b.uri &&
    ivA === ivB &&
    a.keyFormat === b.keyFormat &&
    a.keyFormatVersions === b.keyFormatVersions
  );
}
