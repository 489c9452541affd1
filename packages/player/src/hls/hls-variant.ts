/** Choosing the variant of a Multivariant Playlist to play (RFC 8216 4.3.4.2, 6.3.1). */
import type { MultivariantPlaylist, VariantStream } from '@tidecast/media';

/** The MSE type a variant's CODECS attribute describes (TS is remuxed to fMP4 anyway). */
export function variantMimeType(codecs: string): string {
  const list = codecs
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '');
  return `video/mp4; codecs="${list.join(',')}"`;
}

/**
 * The first variant whose CODECS the browser can play (as written order: the author's
 * preference), else the first one without CODECS (cannot be ruled out), else undefined.
 */
export function pickVariant(
  playlist: MultivariantPlaylist,
  isTypeSupported: (mimeType: string) => boolean,
): VariantStream | undefined {
  const playable = playlist.variants.find(
    (v) => v.codecs !== undefined && isTypeSupported(variantMimeType(v.codecs)),
  );
  return playable ?? playlist.variants.find((v) => v.codecs === undefined);
}
