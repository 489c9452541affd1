/** Playlist texts for the HLS unit tests (RFC 8216 / rfc8216bis examples, shortened). */
import { parseMediaPlaylist } from '@tidecast/media';
import { toPlaylistView } from '../hls-view.js';
import type { PlaylistView } from '../hls-view.js';

export const BASE = 'http://h.test/live/s.m3u8';

export function view(text: string, base = BASE): PlaylistView {
  return toPlaylistView(parseMediaPlaylist(text), new URL(base));
}

/** A classic live playlist: segments 10..13 of 2 s, a discontinuity before 12. */
export const CLASSIC = `#EXTM3U
#EXT-X-VERSION:3
#EXT-X-TARGETDURATION:2
#EXT-X-MEDIA-SEQUENCE:10
#EXTINF:2.0,
s10.ts
#EXTINF:2.0,
s11.ts
#EXT-X-DISCONTINUITY
#EXTINF:2.0,
s12.ts
#EXTINF:2.0,
s13.ts
`;

export const VOD = `#EXTM3U
#EXT-X-TARGETDURATION:1
#EXT-X-PLAYLIST-TYPE:VOD
#EXT-X-MAP:URI="init.mp4"
#EXTINF:1.0,
a0.m4s
#EXTINF:1.0,
a1.m4s
#EXT-X-ENDLIST
`;

/** LL-HLS: segment 20 complete with parts, segment 21 in progress with 2 parts, a hint for the 3rd. */
export const LOW_LATENCY = `#EXTM3U
#EXT-X-VERSION:9
#EXT-X-TARGETDURATION:2
#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=1.5
#EXT-X-PART-INF:PART-TARGET=0.5
#EXT-X-MEDIA-SEQUENCE:19
#EXT-X-MAP:URI="init.mp4"
#EXTINF:2.0,
seg19.m4s
#EXT-X-PART:DURATION=0.5,URI="p20.0.m4s",INDEPENDENT=YES
#EXT-X-PART:DURATION=0.5,URI="p20.1.m4s"
#EXT-X-PART:DURATION=0.5,URI="p20.2.m4s"
#EXT-X-PART:DURATION=0.5,URI="p20.3.m4s"
#EXTINF:2.0,
seg20.m4s
#EXT-X-PART:DURATION=0.5,URI="p21.0.m4s",INDEPENDENT=YES
#EXT-X-PART:DURATION=0.5,URI="p21.1.m4s"
#EXT-X-PRELOAD-HINT:TYPE=PART,URI="p21.2.m4s"
`;
