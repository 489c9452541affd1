import { MediaError } from '@tidecast/media';

/** A failure the CLI reports as one line on stderr with a non-zero exit code. */
export class CliError extends Error {
  override readonly name = 'CliError';
  readonly exitCode: number;

  constructor(message: string, exitCode = 1, options?: { cause?: unknown }) {
    super(message, options);
    this.exitCode = exitCode;
  }
}

/** Exit code for wrong usage (unknown command, missing argument), as in BSD sysexits EX_USAGE. */
export const EXIT_USAGE = 64;
/** Exit code for input the parsers rejected, as in sysexits EX_DATAERR. */
export const EXIT_DATA = 65;

/** `file: offset N: Kind: message` — one line that names where the input went wrong. */
export function describeMediaError(file: string, error: MediaError): string {
  const where = error.offset === undefined ? '' : ` offset ${error.offset}:`;
  return `${file}:${where} ${error.name} (${error.code}): ${error.message}`;
}

export function toCliError(file: string, error: unknown): CliError {
  if (error instanceof CliError) return error;
  if (error instanceof MediaError) return new CliError(describeMediaError(file, error), EXIT_DATA);
  const text = error instanceof Error ? error.message : String(error);
  return new CliError(`${file}: ${text}`, 1, { cause: error });
}
