import { parseArgs } from 'node:util';
import { CliError, EXIT_USAGE } from './cli/cli-errors.js';
import type { CommandArgs } from './cli/command-args.js';
import { probeCommand } from './cli/probe-command.js';
import { pushCommand } from './cli/push-command.js';
import { remuxCommand } from './cli/remux-command.js';
import { serveCommand } from './cli/serve-command.js';

const USAGE = `Usage: tidecast [command] [options]

Commands:
  serve              Run the live server (the default when no command is given);
                     see: tidecast serve --help
  push SRC RTMP_URL  Publish an FLV file or http(s) URL to an RTMP server in real time
                     (--loop: start over at the end, timestamps continuing).
  remux IN OUT       Re-mux an FLV file. OUT's extension picks the format:
                     .mp4  fragmented MP4 (one fragment per keyframe interval, with sidx)
                     .flv  clean FLV
  probe FILE         Print tracks and packets of an FLV or MP4 file as JSON on stdout.
  help               Show this text.

Options:
  --quiet            remux: no warnings or progress line on stderr.
  --tracks-only      probe: omit the packet list.
  --loop             push: loop the source forever.
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
        return await serveCommand([]);
      case 'serve':
        return await serveCommand(rest);
      case 'push':
        return await pushCommand(
          parseCommandArgs(rest, ['loop'], 2, 'push FILE|URL RTMP_URL [--loop]'),
        );
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(USAGE);
        return 0;
      default:
        // `tidecast --no-demo` etc.: flags without a command are serve flags.
        if (command.startsWith('--')) return await serveCommand(argv);
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
