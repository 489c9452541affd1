/** Creates the packager of one output format, told what the stream already knows. */
import { amf0Properties } from '@tidecast/media';
import type { Amf0Value, TrackInfo, TrackKind } from '@tidecast/media';
import { Fmp4Packager } from './fmp4-packager.js';
import { FlvPackager } from './flv-packager.js';
import type { GopCacheOptions } from './gop-cache.js';
import { RtmpPackager } from './rtmp-packager.js';
import type { OutputFormat, StreamPackager } from './stream-output.js';

export interface PackagerContext {
  gopCache: GopCacheOptions | undefined;
  hevcLegacyCodecId12: boolean | undefined;
  fmp4AudioFragmentMs: number | undefined;
  tracks: ReadonlyMap<TrackKind, TrackInfo>;
  metadata: Amf0Value | undefined;
}

export function createPackager(format: OutputFormat, ctx: PackagerContext): StreamPackager {
  const { gopCache, hevcLegacyCodecId12 } = ctx;
  switch (format) {
    case 'flv':
      return new FlvPackager({ gopCache, hevcLegacyCodecId12 });
    case 'rtmp':
      return new RtmpPackager({ gopCache, hevcLegacyCodecId12 });
    case 'fmp4':
      return new Fmp4Packager({
        gopCache,
        audioFragmentMs: ctx.fmp4AudioFragmentMs,
        expectedKinds: expectedKinds(ctx.tracks, ctx.metadata),
      });
  }
}

/** Kinds known from sequence headers or announced by onMetaData (E.5 videocodecid/...). */
function expectedKinds(
  tracks: ReadonlyMap<TrackKind, TrackInfo>,
  metadata: Amf0Value | undefined,
): TrackKind[] | undefined {
  const kinds = new Set<TrackKind>(tracks.keys());
  const meta = metadata === undefined ? undefined : amf0Properties(metadata);
  if (meta?.['videocodecid'] !== undefined) kinds.add('video');
  if (meta?.['audiocodecid'] !== undefined) kinds.add('audio');
  return kinds.size === 0 ? undefined : [...kinds];
}
