import { LimitExceededError, MalformedError, onlyMediaErrors } from '../errors.js';
import { AttributeList, parseDecimalInteger } from './attribute-list.js';
import { lineError, parseOptions, playlistLines, tagValue } from './playlist-lines.js';
import type { PlaylistLine } from './playlist-lines.js';
import { parseKey, parseStart } from './playlist-tag-parse.js';
import type { UriResolver } from './playlist-tag-parse.js';
import type {
  MultivariantPlaylist,
  PlaylistParseOptions,
  RenditionMedia,
  SessionData,
  VariantAttributes,
  VariantStream,
} from './playlist-types.js';

/** Multivariant (master) Playlists: RFC 8216 4.3.4, rfc8216bis 4.4.6. */

const need = AttributeList.require;

/** Tags that only a Media Playlist may hold (RFC 8216 4.1: never both kinds). */
const MEDIA_TAGS = new Set([
  'EXTINF',
  'EXT-X-TARGETDURATION',
  'EXT-X-MEDIA-SEQUENCE',
  'EXT-X-DISCONTINUITY-SEQUENCE',
  'EXT-X-BYTERANGE',
  'EXT-X-DISCONTINUITY',
  'EXT-X-KEY',
  'EXT-X-MAP',
  'EXT-X-ENDLIST',
  'EXT-X-PLAYLIST-TYPE',
  'EXT-X-I-FRAMES-ONLY',
  'EXT-X-PART',
  'EXT-X-PART-INF',
  'EXT-X-SKIP',
]);

/** True when `text` looks like a Multivariant Playlist: it has a (I-frame) stream tag. */
export function isMultivariant(text: string): boolean {
  return /^[ \t]*#EXT-X-(?:I-FRAME-)?STREAM-INF:/m.test(text);
}

function variantAttributes(a: AttributeList, tag: string, uri: string): VariantAttributes {
  const v: VariantAttributes = { uri, bandwidth: need(a.integer('BANDWIDTH'), 'BANDWIDTH', tag) };
  const set = <K extends keyof VariantAttributes>(key: K, value: VariantAttributes[K]): void => {
    if (value !== undefined) v[key] = value;
  };
  set('averageBandwidth', a.integer('AVERAGE-BANDWIDTH'));
  set('score', a.float('SCORE'));
  set('codecs', a.quoted('CODECS'));
  set('supplementalCodecs', a.quoted('SUPPLEMENTAL-CODECS'));
  set('resolution', a.resolution('RESOLUTION'));
  set('hdcpLevel', a.enumerated('HDCP-LEVEL'));
  set('allowedCpc', a.quoted('ALLOWED-CPC'));
  set('videoRange', a.enumerated('VIDEO-RANGE'));
  set('stableVariantId', a.quoted('STABLE-VARIANT-ID'));
  set('video', a.quoted('VIDEO'));
  set('pathwayId', a.quoted('PATHWAY-ID'));
  return v;
}

/** EXT-X-STREAM-INF's own attributes, the URI coming from the next line (4.3.4.2). */
function streamInf(a: AttributeList): VariantStream {
  const v: VariantStream = variantAttributes(a, 'EXT-X-STREAM-INF', '');
  const frameRate = a.float('FRAME-RATE');
  if (frameRate !== undefined) v.frameRate = frameRate;
  const audio = a.quoted('AUDIO');
  if (audio !== undefined) v.audio = audio;
  const subtitles = a.quoted('SUBTITLES');
  if (subtitles !== undefined) v.subtitles = subtitles;
  const cc = a.get('CLOSED-CAPTIONS');
  if (cc !== undefined) {
    // A quoted-string GROUP-ID, or the enumerated-string NONE.
    if (!cc.quoted && cc.text !== 'NONE') throw new MalformedError(`CLOSED-CAPTIONS=${cc.text}`);
    v.closedCaptions = cc.quoted ? cc.text : null;
  }
  return v;
}

const MEDIA_TYPES = ['AUDIO', 'VIDEO', 'SUBTITLES', 'CLOSED-CAPTIONS'] as const;

function renditionMedia(a: AttributeList, resolve: UriResolver): RenditionMedia {
  const tag = 'EXT-X-MEDIA';
  const type = MEDIA_TYPES.find((t) => t === need(a.enumerated('TYPE'), 'TYPE', tag));
  if (type === undefined) throw new MalformedError(`${tag} TYPE ${String(a.enumerated('TYPE'))}`);
  const m: RenditionMedia = {
    type,
    groupId: need(a.quoted('GROUP-ID'), 'GROUP-ID', tag),
    name: need(a.quoted('NAME'), 'NAME', tag),
    default: a.yesNo('DEFAULT') ?? false,
    autoselect: a.yesNo('AUTOSELECT') ?? false,
  };
  const uri = a.quoted('URI');
  if (type === 'CLOSED-CAPTIONS' && (uri !== undefined || !a.has('INSTREAM-ID'))) {
    throw new MalformedError('CLOSED-CAPTIONS rendition needs INSTREAM-ID and no URI');
  }
  const set = <K extends keyof RenditionMedia>(key: K, value: RenditionMedia[K]): void => {
    if (value !== undefined) m[key] = value;
  };
  set('uri', uri === undefined ? undefined : resolve(uri));
  set('language', a.quoted('LANGUAGE'));
  set('assocLanguage', a.quoted('ASSOC-LANGUAGE'));
  set('stableRenditionId', a.quoted('STABLE-RENDITION-ID'));
  set('forced', a.yesNo('FORCED'));
  set('instreamId', a.quoted('INSTREAM-ID'));
  set('bitDepth', a.integer('BIT-DEPTH'));
  set('sampleRate', a.integer('SAMPLE-RATE'));
  set('characteristics', a.quoted('CHARACTERISTICS'));
  set('channels', a.quoted('CHANNELS'));
  return m;
}

function sessionData(a: AttributeList, resolve: UriResolver): SessionData {
  const tag = 'EXT-X-SESSION-DATA';
  const d: SessionData = { dataId: need(a.quoted('DATA-ID'), 'DATA-ID', tag) };
  const value = a.quoted('VALUE');
  const uri = a.quoted('URI');
  if ((value === undefined) === (uri === undefined)) {
    throw new MalformedError(`${tag} needs exactly one of VALUE and URI`);
  }
  if (value !== undefined) d.value = value;
  if (uri !== undefined) d.uri = resolve(uri);
  const format = a.enumerated('FORMAT');
  if (format !== undefined) {
    if (format !== 'JSON' && format !== 'RAW') throw new MalformedError(`${tag} FORMAT ${format}`);
    d.format = format;
  }
  const language = a.quoted('LANGUAGE');
  if (language !== undefined) d.language = language;
  return d;
}

/**
 * Reads a Multivariant Playlist. MalformedError (`line N: ...`) for a missing #EXTM3U, an
 * EXT-X-STREAM-INF without URI line, a URI line without EXT-X-STREAM-INF, Media Playlist tags,
 * missing required attributes; LimitExceededError past the size bounds.
 */
export function parseMultivariantPlaylist(
  text: string,
  options?: PlaylistParseOptions | string,
): MultivariantPlaylist {
  return onlyMediaErrors(() => {
    const { resolve, maxLength, maxEntries } = parseOptions(options);
    const p: MultivariantPlaylist = {
      version: 1,
      independentSegments: false,
      variants: [],
      iFrameVariants: [],
      media: [],
      sessionData: [],
      sessionKeys: [],
    };
    let pending: { variant: VariantStream; line: PlaylistLine } | undefined;
    let entries = 0;
    const count = (): void => {
      if (++entries > maxEntries) throw new LimitExceededError(`more than ${maxEntries} entries`);
    };
    for (const line of playlistLines(text, maxLength)) {
      try {
        if (line.kind === 'uri') {
          if (pending === undefined) throw new MalformedError('URI line without EXT-X-STREAM-INF');
          p.variants.push({ ...pending.variant, uri: resolve(line.uri) });
          pending = undefined;
          continue;
        }
        const attributes = (): AttributeList => AttributeList.parse(tagValue(line));
        switch (line.name) {
          case 'EXT-X-STREAM-INF':
            if (pending !== undefined) {
              throw lineError(pending.line, new MalformedError('EXT-X-STREAM-INF without a URI'));
            }
            count();
            pending = { variant: streamInf(attributes()), line };
            break;
          case 'EXT-X-I-FRAME-STREAM-INF': {
            count();
            const a = attributes();
            const uri = resolve(need(a.quoted('URI'), 'URI', line.name));
            p.iFrameVariants.push(variantAttributes(a, line.name, uri));
            break;
          }
          case 'EXT-X-MEDIA':
            count();
            p.media.push(renditionMedia(attributes(), resolve));
            break;
          case 'EXT-X-SESSION-DATA':
            count();
            p.sessionData.push(sessionData(attributes(), resolve));
            break;
          case 'EXT-X-SESSION-KEY': {
            count();
            const key = parseKey(tagValue(line), resolve, line.name);
            if (key === undefined) throw new MalformedError('EXT-X-SESSION-KEY with METHOD=NONE');
            p.sessionKeys.push(key);
            break;
          }
          case 'EXT-X-CONTENT-STEERING': {
            const a = attributes();
            const serverUri = resolve(need(a.quoted('SERVER-URI'), 'SERVER-URI', line.name));
            const pathwayId = a.quoted('PATHWAY-ID');
            p.contentSteering = pathwayId === undefined ? { serverUri } : { serverUri, pathwayId };
            break;
          }
          case 'EXT-X-VERSION':
            p.version = parseDecimalInteger(tagValue(line).trim(), line.name);
            break;
          case 'EXT-X-INDEPENDENT-SEGMENTS':
            p.independentSegments = true;
            break;
          case 'EXT-X-START':
            p.start = parseStart(tagValue(line));
            break;
          default:
            if (MEDIA_TAGS.has(line.name)) {
              throw new MalformedError(`#${line.name} in a Multivariant Playlist`);
            }
        }
      } catch (e) {
        throw lineError(line, e);
      }
    }
    if (pending !== undefined) {
      throw lineError(pending.line, new MalformedError('EXT-X-STREAM-INF without a URI'));
    }
    return p;
  });
}
