/**
 * The LL-HLS delivery directives of a playlist request (draft-pantos-hls-rfc8216bis 6.2.5):
 * `_HLS_msn`, `_HLS_part` (blocking reload) and `_HLS_skip` (delta update). Anything malformed
 * is a 400 with the reason, before any waiting.
 */

export interface HlsDirectives {
  msn: number | undefined;
  part: number | undefined;
  skip: boolean;
}

export type HlsQueryResult =
  { ok: true; directives: HlsDirectives } | { ok: false; reason: string };

const INTEGER = /^\d{1,12}$/;

export function parseHlsQuery(url: string): HlsQueryResult {
  const q = url.indexOf('?');
  const params = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
  const msnText = params.get('_HLS_msn');
  const partText = params.get('_HLS_part');
  const skipText = params.get('_HLS_skip');
  if (msnText !== null && !INTEGER.test(msnText)) {
    return { ok: false, reason: '_HLS_msn must be a non-negative integer' };
  }
  if (partText !== null && !INTEGER.test(partText)) {
    return { ok: false, reason: '_HLS_part must be a non-negative integer' };
  }
  // 6.2.5.2: _HLS_part without _HLS_msn is a client error.
  if (partText !== null && msnText === null) {
    return { ok: false, reason: '_HLS_part requires _HLS_msn' };
  }
  if (skipText !== null && skipText !== 'YES' && skipText !== 'v2') {
    return { ok: false, reason: "_HLS_skip must be 'YES' or 'v2'" };
  }
  return {
    ok: true,
    directives: {
      msn: msnText === null ? undefined : Number(msnText),
      part: partText === null ? undefined : Number(partText),
      skip: skipText !== null,
    },
  };
}
