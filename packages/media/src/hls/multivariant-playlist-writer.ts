import { InvalidArgumentError } from '../errors.js';
import {
  decimalFloat,
  decimalInteger,
  decimalResolution,
  enumeratedString,
  formatAttributeList,
  quotedString,
  yes,
} from './attribute-list.js';
import type { AttributeEntry } from './attribute-list.js';
import { checkUri, formatKey, formatStart, keyVersion, quotedUri } from './playlist-tag-format.js';
import type {
  MultivariantPlaylist,
  RenditionMedia,
  SessionData,
  VariantAttributes,
  VariantStream,
} from './playlist-types.js';

/** Multivariant (master) Playlist text (RFC 8216 4.3.4, rfc8216bis 4.4.6), LF line ends. */

const q = (v: string | undefined, what: string): string | undefined =>
  v === undefined ? undefined : quotedString(v, what);
const int = (v: number | undefined, what: string): string | undefined =>
  v === undefined ? undefined : decimalInteger(v, what);
const en = (v: string | undefined, what: string): string | undefined =>
  v === undefined ? undefined : enumeratedString(v, what);

/** The attributes EXT-X-STREAM-INF and EXT-X-I-FRAME-STREAM-INF share (4.3.4.2, 4.3.4.3). */
function commonAttributes(v: VariantAttributes): AttributeEntry[] {
  return [
    ['BANDWIDTH', decimalInteger(v.bandwidth, 'BANDWIDTH')],
    ['AVERAGE-BANDWIDTH', int(v.averageBandwidth, 'AVERAGE-BANDWIDTH')],
    ['SCORE', v.score === undefined ? undefined : decimalFloat(v.score, 'SCORE')],
    ['CODECS', q(v.codecs, 'CODECS')],
    ['SUPPLEMENTAL-CODECS', q(v.supplementalCodecs, 'SUPPLEMENTAL-CODECS')],
    ['RESOLUTION', v.resolution === undefined ? undefined : decimalResolution(v.resolution)],
  ];
}

function trailingAttributes(v: VariantAttributes): AttributeEntry[] {
  return [
    ['HDCP-LEVEL', en(v.hdcpLevel, 'HDCP-LEVEL')],
    ['ALLOWED-CPC', q(v.allowedCpc, 'ALLOWED-CPC')],
    ['VIDEO-RANGE', en(v.videoRange, 'VIDEO-RANGE')],
    ['STABLE-VARIANT-ID', q(v.stableVariantId, 'STABLE-VARIANT-ID')],
    ['VIDEO', q(v.video, 'VIDEO')],
  ];
}

function streamInf(v: VariantStream): string {
  const cc = v.closedCaptions === null ? 'NONE' : q(v.closedCaptions, 'CLOSED-CAPTIONS');
  const attributes = formatAttributeList([
    ...commonAttributes(v),
    // FRAME-RATE is rounded to three decimal places (RFC 8216 4.3.4.2).
    [
      'FRAME-RATE',
      v.frameRate === undefined ? undefined : decimalFloat(v.frameRate, 'FRAME-RATE', 3),
    ],
    ...trailingAttributes(v),
    ['AUDIO', q(v.audio, 'AUDIO')],
    ['SUBTITLES', q(v.subtitles, 'SUBTITLES')],
    ['CLOSED-CAPTIONS', cc],
    ['PATHWAY-ID', q(v.pathwayId, 'PATHWAY-ID')],
  ]);
  return `#EXT-X-STREAM-INF:${attributes}\n${checkUri(v.uri, 'variant URI')}`;
}

function iFrameStreamInf(v: VariantAttributes): string {
  return `#EXT-X-I-FRAME-STREAM-INF:${formatAttributeList([
    ...commonAttributes(v),
    ...trailingAttributes(v),
    ['PATHWAY-ID', q(v.pathwayId, 'PATHWAY-ID')],
    ['URI', quotedUri(v.uri, 'I-frame URI')],
  ])}`;
}

function media(m: RenditionMedia): string {
  const types = ['AUDIO', 'VIDEO', 'SUBTITLES', 'CLOSED-CAPTIONS'];
  if (!types.includes(m.type)) throw new InvalidArgumentError(`EXT-X-MEDIA TYPE ${m.type}`);
  if (m.type === 'CLOSED-CAPTIONS' && (m.uri !== undefined || m.instreamId === undefined)) {
    throw new InvalidArgumentError('CLOSED-CAPTIONS renditions have INSTREAM-ID and no URI');
  }
  return `#EXT-X-MEDIA:${formatAttributeList([
    ['TYPE', m.type],
    ['GROUP-ID', quotedString(m.groupId, 'GROUP-ID')],
    ['NAME', quotedString(m.name, 'NAME')],
    ['LANGUAGE', q(m.language, 'LANGUAGE')],
    ['ASSOC-LANGUAGE', q(m.assocLanguage, 'ASSOC-LANGUAGE')],
    ['STABLE-RENDITION-ID', q(m.stableRenditionId, 'STABLE-RENDITION-ID')],
    ['DEFAULT', yes(m.default)],
    ['AUTOSELECT', yes(m.autoselect)],
    ['FORCED', yes(m.forced)],
    ['INSTREAM-ID', q(m.instreamId, 'INSTREAM-ID')],
    ['BIT-DEPTH', int(m.bitDepth, 'BIT-DEPTH')],
    ['SAMPLE-RATE', int(m.sampleRate, 'SAMPLE-RATE')],
    ['CHARACTERISTICS', q(m.characteristics, 'CHARACTERISTICS')],
    ['CHANNELS', q(m.channels, 'CHANNELS')],
    ['URI', m.uri === undefined ? undefined : quotedUri(m.uri, 'EXT-X-MEDIA URI')],
  ])}`;
}

function sessionData(d: SessionData): string {
  if ((d.value === undefined) === (d.uri === undefined)) {
    throw new InvalidArgumentError('EXT-X-SESSION-DATA needs exactly one of VALUE and URI');
  }
  return `#EXT-X-SESSION-DATA:${formatAttributeList([
    ['DATA-ID', quotedString(d.dataId, 'DATA-ID')],
    ['VALUE', q(d.value, 'VALUE')],
    ['URI', d.uri === undefined ? undefined : quotedUri(d.uri, 'EXT-X-SESSION-DATA URI')],
    ['FORMAT', en(d.format, 'FORMAT')],
    ['LANGUAGE', q(d.language, 'LANGUAGE')],
  ])}`;
}

/** EXT-X-VERSION the content needs (RFC 8216 7): SERVICE closed captions -> 7, keys. */
function requiredVersion(p: MultivariantPlaylist): number {
  let v = 1;
  for (const m of p.media) if (m.instreamId?.startsWith('SERVICE') === true) v = Math.max(v, 7);
  for (const k of p.sessionKeys) v = Math.max(v, keyVersion(k));
  return v;
}

export function writeMultivariantPlaylist(p: MultivariantPlaylist): string {
  const version = Math.max(1, p.version, requiredVersion(p));
  const lines = ['#EXTM3U', `#EXT-X-VERSION:${decimalInteger(version, 'EXT-X-VERSION')}`];
  if (p.independentSegments) lines.push('#EXT-X-INDEPENDENT-SEGMENTS');
  if (p.start !== undefined) lines.push(`#EXT-X-START:${formatStart(p.start)}`);
  if (p.contentSteering !== undefined) {
    lines.push(
      `#EXT-X-CONTENT-STEERING:${formatAttributeList([
        ['SERVER-URI', quotedUri(p.contentSteering.serverUri, 'SERVER-URI')],
        ['PATHWAY-ID', q(p.contentSteering.pathwayId, 'PATHWAY-ID')],
      ])}`,
    );
  }
  for (const d of p.sessionData) lines.push(sessionData(d));
  for (const k of p.sessionKeys) {
    if (k.method === 'NONE') throw new InvalidArgumentError('EXT-X-SESSION-KEY METHOD NONE');
    lines.push(`#EXT-X-SESSION-KEY:${formatKey(k)}`);
  }
  for (const m of p.media) lines.push(media(m));
  for (const v of p.variants) lines.push(streamInf(v));
  for (const v of p.iFrameVariants) lines.push(iFrameStreamInf(v));
  return `${lines.join('\n')}\n`;
}
