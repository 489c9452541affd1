/**
 * HTTP-FLV (`GET|HEAD /APP/STREAM.flv`, chunked) and WS-FLV (`ws://HOST/APP/STREAM.flv`,
 * one binary message per FLV tag or header) — the URL scheme node-media-server and SRS use.
 */
import type { OutputSpec } from './live-output.js';

export const FLV_OUTPUT: OutputSpec = {
  http: 'flv-http',
  ws: 'flv-ws',
  contentType: 'video/x-flv',
};
