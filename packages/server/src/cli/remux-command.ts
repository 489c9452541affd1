import { stat } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { AtomicOutput } from './atomic-output.js';
import { CliError, EXIT_DATA, EXIT_USAGE, describeMediaError, toCliError } from './cli-errors.js';
import type { CommandArgs } from './command-args.js';
import type { MediaError } from '@tidecast/media';
import { scanMediaFile } from './media-scan.js';
import { remuxFlvToFlv } from './remux-to-flv.js';
import { remuxFlvToMp4 } from './remux-to-mp4.js';
import { remuxToTs } from './remux-to-ts.js';
import { sniffFile } from './sniff-format.js';

const WRITERS = { '.mp4': remuxFlvToMp4, '.flv': remuxFlvToFlv, '.ts': remuxToTs } as const;

/**
 * `tidecast remux IN OUT`: re-muxes an FLV or MPEG-TS file into fragmented MP4, clean FLV or
 * MPEG-TS (picked by the output's extension). The input is
 * fully validated in a first pass before any output exists, and the output is written under a
 * temporary name and renamed when complete, so a failure never leaves a partial file.
 */
export async function remuxCommand(args: CommandArgs): Promise<number> {
  const [input = '', output = ''] = args.positionals;
  const quiet = args.flags.has('quiet');
  const ext = extname(output).toLowerCase();
  if (!(ext in WRITERS)) {
    throw new CliError(
      `${output}: unknown output type "${ext}" (use .mp4, .flv or .ts)`,
      EXIT_USAGE,
    );
  }
  if (resolve(input) === resolve(output)) {
    throw new CliError(`${output}: output would overwrite the input`, EXIT_USAGE);
  }
  const info = await stat(input).catch((error: unknown) => {
    throw toCliError(input, error);
  });
  if (!info.isFile()) throw new CliError(`${input}: not a regular file`, EXIT_USAGE);
  const format = await sniffFile(input);
  if (format !== 'flv' && format !== 'ts') {
    throw new CliError(
      `${input}: offset 0: ${format === undefined ? 'not a recognised media file' : `${format} input is not supported yet`} (remux reads FLV and MPEG-TS)`,
      EXIT_DATA,
    );
  }
  const progressLabel = quiet ? undefined : `remux ${input}`;
  const scan = await scanMediaFile(input, format, progressLabel && `${progressLabel} (scan)`);
  if (!quiet) reportWarnings(input, scan.warnings);
  const writer = WRITERS[ext as keyof typeof WRITERS];
  const out = await AtomicOutput.create(output).catch((error: unknown) => {
    throw toCliError(output, error);
  });
  try {
    await writer(input, out, scan, progressLabel);
    await out.commit();
  } catch (error) {
    await out.abort();
    throw toCliError(input, error);
  }
  return 0;
}

const SHOWN_WARNINGS = 5;

/** Recovered damage is worth knowing about, but a broken writer can repeat it on every tag. */
function reportWarnings(input: string, warnings: MediaError[]): void {
  for (const warning of warnings.slice(0, SHOWN_WARNINGS)) {
    process.stderr.write(`warning: ${describeMediaError(input, warning)}\n`);
  }
  if (warnings.length > SHOWN_WARNINGS) {
    process.stderr.write(`warning: ${input}: ${warnings.length - SHOWN_WARNINGS} more warnings\n`);
  }
}
