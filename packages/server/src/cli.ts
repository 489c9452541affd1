import { parseArgs } from 'node:util';
import { CliError, EXIT_USAGE } from './cli/cli-errors.js';
import type { CommandArgs } from './cli/command-args.js';
import { probeCommand } from './cli/probe-command.js';
import { remuxCommand } from './cli/remux-command.js';

const USAGE = `Usage: tidecast <command> [options]

Commands:
  remux IN OUT       Re-mux an FLV file. OUT's extension picks the format:
                     .mp4  fragmented MP4 (one fragment per keyframe interval, with sidx)
                     .flv  clean FLV
  probe FILE         Print tracks and packets of an FLV or MP4 file as JSON on stdout.
  help               Show this text.

Options:
  --quiet            remux: no warnings or progress line on stderr.
  --tracks-only      probe: omit the packet list.
  -h, --help         Show this text.
`;

/** Entry point of the `tidecast` bin; returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'remux':
        return await remuxCommand(parseCommandArgs(rest, ['quiet'], 2, 'remux IN OUT'));
      case 'probe':
        return await probeCommand(parseCommandArgs(rest, ['tracks-only'], 1, 'probe FILE'));
      case undefined:
        process.stderr.write(USAGE);
        return EXIT_USAGE;
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(USAGE);
        return 0;
      default:
        throw new CliError(`unknown command "${command}" (try: tidecast help)`, EXIT_USAGE);
    }
  } catch (error) {
    if (error instanceof CliError) {
      process.stderr.write(`tidecast ${command ?? ''}: ${error.message}\n`);
      return error.exitCode;
    }
    throw error;
  }
}

function parseCommandArgs(
  args: string[],
  booleanFlags: string[],
  positionalCount: number,
  synopsis: string,
): CommandArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: Object.fromEntries(booleanFlags.map((name) => [name, { type: 'boolean' as const }])),
    });
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    throw new CliError(`${text}\nusage: tidecast ${synopsis}`, EXIT_USAGE);
  }
  if (parsed.positionals.length !== positionalCount) {
    throw new CliError(`usage: tidecast ${synopsis}`, EXIT_USAGE);
  }
  const flags = new Set(Object.keys(parsed.values).filter((k) => parsed.values[k] === true));
  return { positionals: parsed.positionals, flags };
}
