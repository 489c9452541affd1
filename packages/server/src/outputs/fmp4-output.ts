/**
 * Live fragmented MP4 (`GET /APP/STREAM.mp4` and `ws://HOST/APP/STREAM.mp4`): the init
 * segment first, then small fragments a browser appends to MSE with no transmuxing.
 */
import type { OutputSpec } from './live-output.js';

export const FMP4_OUTPUT: OutputSpec = {
  http: 'fmp4-http',
  ws: 'fmp4-ws',
  contentType: 'video/mp4',
};
