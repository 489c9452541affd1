/** Events of RtmpServerSession (see rtmp-session.ts), a discriminated union on `type`. */
import type { RtmpProtocolError } from './rtmp-errors.js';
import type { RtmpMessage } from './rtmp-message.js';

export type RtmpSessionEvent =
  | {
      type: 'connect';
      app: string;
      tcUrl: string;
      objectEncoding: number;
      query: Record<string, string>;
    }
  | {
      type: 'publish';
      streamId: number;
      app: string;
      name: string;
      query: Record<string, string>;
      /** 'live' | 'record' | 'append' as the client sent it (7.2.2.6). */
      publishType: string;
    }
  | {
      type: 'play';
      streamId: number;
      app: string;
      name: string;
      query: Record<string, string>;
      start: number;
      duration: number;
      reset: boolean;
    }
  /** Audio (8), video (9) or data (18) of a publishing stream; timestamp extended past 2^32. */
  | { type: 'media'; streamId: number; message: RtmpMessage }
  | { type: 'pause'; streamId: number; paused: boolean; timeMs: number }
  /** receiveAudio / receiveVideo (7.2.2.4-5): whether this message stream wants that media. */
  | { type: 'receive'; streamId: number; kind: 'audio' | 'video'; enabled: boolean }
  | { type: 'unpublish'; streamId: number }
  | { type: 'stop-play'; streamId: number }
  | { type: 'close' }
  | { type: 'error'; error: RtmpProtocolError };
