import { MalformedError } from '../errors.js';
import { AttributeList, parseDecimalInteger } from './attribute-list.js';
import type {
  ByteRangeSpec,
  PartialSegment,
  PreloadHint,
  RenditionReport,
  SegmentKey,
  ServerControl,
  StartPoint,
} from './playlist-types.js';

/**
 * Attribute-list tags read into the playlist model. `resolve` maps a URI as written to the one
 * the caller wants (resolved against a base, or unchanged). Errors are MalformedError; the
 * parsers add the line.
 */

export type UriResolver = (uri: string) => string;

const need = AttributeList.require;

/** `<n>[@<o>]` (RFC 8216 4.3.2.2); `offset` stays undefined when implicit. */
export function parseByteRange(text: string, what = 'BYTERANGE'): ByteRangeSpec {
  const at = text.indexOf('@');
  const length = parseDecimalInteger((at < 0 ? text : text.slice(0, at)).trim(), what);
  if (at < 0) return { length };
  return { length, offset: parseDecimalInteger(text.slice(at + 1).trim(), what) };
}

/** EXT-X-KEY / EXT-X-SESSION-KEY (RFC 8216 4.3.2.4, 4.3.4.5); METHOD=NONE gives undefined. */
export function parseKey(
  value: string,
  resolve: UriResolver,
  tag = 'EXT-X-KEY',
): SegmentKey | undefined {
  const a = AttributeList.parse(value);
  const method = need(a.enumerated('METHOD'), 'METHOD', tag);
  if (method === 'NONE') return undefined;
  const key: SegmentKey = { method, uri: resolve(need(a.quoted('URI'), 'URI', tag)) };
  const iv = a.hex('IV');
  if (iv !== undefined) {
    if (iv.length > 16) throw new MalformedError(`${tag} IV longer than 128 bits`);
    // A shorter hexadecimal-sequence is the same 128-bit number without its leading zeros.
    key.iv = new Uint8Array(16);
    key.iv.set(iv, 16 - iv.length);
  }
  const keyFormat = a.quoted('KEYFORMAT');
  if (keyFormat !== undefined) key.keyFormat = keyFormat;
  const versions = a.quoted('KEYFORMATVERSIONS');
  if (versions !== undefined) key.keyFormatVersions = versions;
  return key;
}

/** EXT-X-START (RFC 8216 4.3.5.2). */
export function parseStart(value: string): StartPoint {
  const a = AttributeList.parse(value);
  return {
    timeOffset: need(a.float('TIME-OFFSET', true), 'TIME-OFFSET', 'EXT-X-START'),
    precise: a.yesNo('PRECISE') ?? false,
  };
}

/** EXT-X-SERVER-CONTROL (rfc8216bis 4.4.3.8). */
export function parseServerControl(value: string): ServerControl {
  const a = AttributeList.parse(value);
  const c: ServerControl = {};
  const canBlockReload = a.yesNo('CAN-BLOCK-RELOAD');
  if (canBlockReload !== undefined) c.canBlockReload = canBlockReload;
  const canSkipUntil = a.float('CAN-SKIP-UNTIL');
  if (canSkipUntil !== undefined) c.canSkipUntil = canSkipUntil;
  const canSkipDateRanges = a.yesNo('CAN-SKIP-DATERANGES');
  if (canSkipDateRanges !== undefined) c.canSkipDateRanges = canSkipDateRanges;
  const holdBack = a.float('HOLD-BACK');
  if (holdBack !== undefined) c.holdBack = holdBack;
  const partHoldBack = a.float('PART-HOLD-BACK');
  if (partHoldBack !== undefined) c.partHoldBack = partHoldBack;
  return c;
}

/** EXT-X-PART-INF (rfc8216bis 4.4.3.7). */
export function parsePartInf(value: string): { partTarget: number } {
  const a = AttributeList.parse(value);
  return { partTarget: need(a.float('PART-TARGET'), 'PART-TARGET', 'EXT-X-PART-INF') };
}

/** EXT-X-PART (rfc8216bis 4.4.4.9); `uri` is as written (implicit offsets compare it). */
export function parsePart(value: string): PartialSegment {
  const a = AttributeList.parse(value);
  const part: PartialSegment = {
    uri: need(a.quoted('URI'), 'URI', 'EXT-X-PART'),
    duration: need(a.float('DURATION'), 'DURATION', 'EXT-X-PART'),
    independent: a.yesNo('INDEPENDENT') ?? false,
  };
  const range = a.quoted('BYTERANGE');
  if (range !== undefined) part.byteRange = parseByteRange(range, 'EXT-X-PART BYTERANGE');
  if (a.yesNo('GAP') === true) part.gap = true;
  return part;
}

/** EXT-X-SKIP (rfc8216bis 4.4.5.2). */
export function parseSkip(value: string): number {
  const a = AttributeList.parse(value);
  return need(a.integer('SKIPPED-SEGMENTS'), 'SKIPPED-SEGMENTS', 'EXT-X-SKIP');
}

/** EXT-X-PRELOAD-HINT (rfc8216bis 4.4.5.3). */
export function parsePreloadHint(value: string, resolve: UriResolver): PreloadHint {
  const a = AttributeList.parse(value);
  const type = need(a.enumerated('TYPE'), 'TYPE', 'EXT-X-PRELOAD-HINT');
  if (type !== 'PART' && type !== 'MAP') throw new MalformedError(`preload hint TYPE ${type}`);
  const hint: PreloadHint = {
    type,
    uri: resolve(need(a.quoted('URI'), 'URI', 'EXT-X-PRELOAD-HINT')),
  };
  const start = a.integer('BYTERANGE-START');
  if (start !== undefined) hint.byteRangeStart = start;
  const length = a.integer('BYTERANGE-LENGTH');
  if (length !== undefined) hint.byteRangeLength = length;
  return hint;
}

/** EXT-X-RENDITION-REPORT (rfc8216bis 4.4.5.4). */
export function parseRenditionReport(value: string, resolve: UriResolver): RenditionReport {
  const a = AttributeList.parse(value);
  const report: RenditionReport = {
    uri: resolve(need(a.quoted('URI'), 'URI', 'EXT-X-RENDITION-REPORT')),
  };
  const lastMsn = a.integer('LAST-MSN');
  if (lastMsn !== undefined) report.lastMsn = lastMsn;
  const lastPart = a.integer('LAST-PART');
  if (lastPart !== undefined) report.lastPart = lastPart;
  return report;
}
