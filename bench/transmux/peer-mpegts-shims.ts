/**
 * The browser globals mpegts.js reads when its demuxer/remuxer run outside a browser. They only
 * choose browser workarounds; none skips work:
 * - `self.navigator.userAgent`: utils/browser.js sniffs it at import time (MP4Remuxer reads the
 *   result: Chrome < 50 first-IDR fix, Edge/IE silent-audio fill, Firefox MP3-in-MP4), and
 *   FLVDemuxer reads it when it rewrites the AAC AudioSpecificConfig. A current desktop Chrome
 *   string selects the path most viewers run.
 * Node 20 has neither `self` nor `navigator`; Node 21+ has a `navigator` we override.
 */
export const CHROME_USER_AGENT =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36';

export function installBrowserShims(): void {
  if (!('self' in globalThis)) {
    Object.defineProperty(globalThis, 'self', { value: globalThis, configurable: true });
  }
  Object.defineProperty(globalThis, 'navigator', {
    value: { userAgent: CHROME_USER_AGENT },
    configurable: true,
    writable: true,
  });
}
