import { stat } from 'node:fs/promises';
import { FlvDemuxer, TsDemuxer } from '@tidecast/media';
import type { DemuxEvent, MediaError } from '@tidecast/media';
import { toCliError } from './cli-errors.js';
import { createProgress } from './progress.js';
import { readChunks } from './read-chunks.js';

export interface DemuxSummary {
  warnings: MediaError[];
}

/** Containers the CLI demuxes as a stream of events. */
export type StreamFormat = 'flv' | 'ts';

export interface DemuxFileOptions {
  /** Default 'flv'. */
  format?: StreamFormat | undefined;
  /** Redraw a progress line on stderr (only shown for large files on a terminal). */
  progressLabel?: string | undefined;
}

/**
 * Streams an FLV or MPEG-TS file through the demuxer and hands every event to `onEvent` (which may be
 * async, to respect output back-pressure). The first `error` event aborts with a CliError that
 * names the file and the offset; warnings are collected and returned.
 */
export async function demuxMediaFile(
  path: string,
  onEvent: (event: DemuxEvent) => void | Promise<void>,
  options: DemuxFileOptions = {},
): Promise<DemuxSummary> {
  const demuxer = options.format === 'ts' ? new TsDemuxer() : new FlvDemuxer();
  const warnings: MediaError[] = [];
  const { size } = await stat(path);
  const progress = createProgress(options.progressLabel ?? '', options.progressLabel ? size : 0);
  let done = 0;
  const handle = async (events: DemuxEvent[]): Promise<void> => {
    for (const event of events) {
      if (event.type === 'error') throw toCliError(path, event.error);
      if (event.type === 'warning') warnings.push(event.error);
      else await onEvent(event);
    }
  };
  try {
    for await (const chunk of readChunks(path)) {
      done += chunk.length;
      await handle(demuxer.push(chunk));
      progress.update(done);
    }
    await handle(demuxer.flush());
  } finally {
    progress.finish();
  }
  return { warnings };
}
