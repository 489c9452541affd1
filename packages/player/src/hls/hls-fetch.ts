/**
 * One HTTP GET of a playlist or segment with a timeout (AbortController) and retries with
 * exponential backoff. Failures become PlayerError('NETWORK'); aborting the owner's signal ends
 * everything quietly (the promise rejects with the AbortError, which the loader ignores).
 */
import { PlayerError } from '../errors.js';
import { rangeHeader } from './hls-scheduler.js';
import type { HlsResource } from './hls-view.js';

export interface FetchPolicy {
  timeoutMs: number;
  /** Attempts after the first. */
  retries: number;
  /** Delay before the first retry, doubled for each next one. */
  backoffMs: number;
}

export interface FetchResult {
  bytes: Uint8Array;
  /** The URL after redirects (relative URIs in a playlist resolve against it, RFC 8216 4.1). */
  url: string;
}

/** Statuses worth retrying: the server may answer differently in a moment. */
function retryable(status: number): boolean {
  return status === 404 || status === 408 || status === 425 || status === 429 || status >= 500;
}

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

async function attempt(
  resource: HlsResource,
  timeoutMs: number,
  owner: AbortSignal,
): Promise<FetchResult> {
  const controller = new AbortController();
  const onAbort = (): void => controller.abort(owner.reason);
  owner.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(
    () => controller.abort(new PlayerError('NETWORK', `timed out after ${timeoutMs} ms`)),
    timeoutMs,
  );
  try {
    const range = rangeHeader(resource);
    const response = await fetch(resource.url, {
      signal: controller.signal,
      cache: 'no-store',
      mode: 'cors',
      credentials: 'omit',
      ...(range === undefined ? {} : { headers: { Range: range } }),
    });
    if (!response.ok) {
      throw new PlayerError('NETWORK', `HTTP ${response.status} from ${resource.url}`, {
        cause: response.status,
      });
    }
    const bytes = new Uint8Array(await response.arrayBuffer());
    return { bytes, url: response.url === '' ? resource.url : response.url };
  } catch (error) {
    if (owner.aborted) throw error;
    if (error instanceof PlayerError) throw error;
    const reason: unknown = controller.signal.aborted ? controller.signal.reason : error;
    if (reason instanceof PlayerError) throw reason;
    const message = reason instanceof Error ? reason.message : String(reason);
    throw new PlayerError('NETWORK', `fetch ${resource.url}: ${message}`, { cause: reason });
  } finally {
    clearTimeout(timer);
    owner.removeEventListener('abort', onAbort);
  }
}

/** GET with retries; throws PlayerError('NETWORK') after the last attempt, or the abort reason. */
export async function fetchResource(
  resource: HlsResource,
  policy: FetchPolicy,
  signal: AbortSignal,
): Promise<FetchResult> {
  for (let n = 0; ; n++) {
    try {
      return await attempt(resource, policy.timeoutMs, signal);
    } catch (error) {
      if (signal.aborted) throw error;
      const status = error instanceof PlayerError ? error.cause : undefined;
      const fatalStatus = typeof status === 'number' && !retryable(status);
      if (n >= policy.retries || fatalStatus) throw error;
      await sleep(policy.backoffMs * Math.pow(2, n), signal);
    }
  }
}
