/**
 * Runs inside the player page (bundled by esbuild into a classic script and added with
 * addInitScript, so it is there before the page's own scripts). It waits for the page's
 * <video>, and for every frame the compositor gets (requestVideoFrameCallback) copies the
 * barcode strip to a canvas and reads the capture time; latency is the frame's expected
 * display time on the wall clock minus that capture time.
 */
import { STRIP_HEIGHT, STRIP_WIDTH, decodeStrip, resolveCaptureMs } from './barcode.js';
import { PROBE_GLOBAL } from './probe-types.js';
import type { ProbeApi, ProbeBatch } from './probe-types.js';

let samples: number[] = [];
let firstFrameMs: number | null = null;
let lastPresented = -1;
let unseenFrames = 0;
let errors: string[] = [];
let video: HTMLVideoElement | null = null;
let stalls = 0;
let stalledMs = 0;
let waitingSince: number | null = null;

const canvas = document.createElement('canvas');
canvas.width = STRIP_WIDTH;
canvas.height = STRIP_HEIGHT;
const context = canvas.getContext('2d', { willReadFrequently: true });

function onFrame(_now: number, metadata: VideoFrameCallbackMetadata): void {
  if (video === null) return;
  video.requestVideoFrameCallback(onFrame);
  firstFrameMs ??= metadata.expectedDisplayTime;
  if (lastPresented >= 0 && metadata.presentedFrames > lastPresented + 1) {
    unseenFrames += metadata.presentedFrames - lastPresented - 1;
  }
  lastPresented = metadata.presentedFrames;
  let capture = -1;
  if (context !== null && metadata.width >= STRIP_WIDTH) {
    // The strip in intrinsic pixels, 1:1: no scaling to blur the block edges.
    context.drawImage(video, 0, 0, STRIP_WIDTH, STRIP_HEIGHT, 0, 0, STRIP_WIDTH, STRIP_HEIGHT);
    const code = decodeStrip(
      context.getImageData(0, 0, STRIP_WIDTH, STRIP_HEIGHT).data,
      STRIP_WIDTH,
    );
    if (code !== null) capture = resolveCaptureMs(code, Date.now());
  }
  samples.push(performance.timeOrigin + metadata.expectedDisplayTime, capture, metadata.mediaTime);
}

function attach(element: HTMLVideoElement): void {
  video = element;
  element.addEventListener('error', () => {
    errors.push(`video error ${String(element.error?.code)}: ${element.error?.message ?? ''}`);
  });
  element.requestVideoFrameCallback(onFrame);
  // A seek waits for data by design (a player's own jump to the live edge): not a stall.
  element.addEventListener('waiting', () => {
    if (firstFrameMs === null || element.seeking || waitingSince !== null) return;
    stalls++;
    waitingSince = performance.now();
  });
  element.addEventListener('playing', () => {
    if (waitingSince !== null) stalledMs += performance.now() - waitingSince;
    waitingSince = null;
  });
}

function findVideo(): void {
  const element = document.querySelector('video');
  if (element !== null) attach(element);
  else setTimeout(findVideo, 5);
}

function bufferedSec(element: HTMLVideoElement): [number, number] {
  let total = 0;
  let end = 0;
  for (let i = 0; i < element.buffered.length; i++) {
    total += element.buffered.end(i) - element.buffered.start(i);
    end = element.buffered.end(i);
  }
  return [total, element.buffered.length === 0 ? 0 : end - element.currentTime];
}

const api: ProbeApi = {
  drain(): ProbeBatch {
    const [total, ahead] = video === null ? [0, 0] : bufferedSec(video);
    const quality = video?.getVideoPlaybackQuality();
    const batch: ProbeBatch = {
      samples,
      firstFrameMs,
      bufferedSec: total,
      aheadSec: ahead,
      unseenFrames,
      droppedFrames: quality?.droppedVideoFrames ?? 0,
      totalFrames: quality?.totalVideoFrames ?? 0,
      stalls,
      stalledMs: stalledMs + (waitingSince === null ? 0 : performance.now() - waitingSince),
      clockSkewMs: performance.timeOrigin + performance.now() - Date.now(),
      errors,
    };
    samples = [];
    errors = [];
    return batch;
  },
};

window.addEventListener('error', (event) => errors.push(`page error: ${event.message}`));
Object.defineProperty(window, PROBE_GLOBAL, { value: api });
if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', findVideo);
} else {
  findVideo();
}
