import { Buffer } from 'node:buffer';
import { spawn } from 'node:child_process';

/** What a finished child process left behind. A non-zero exit is a result, not an error. */
export interface CommandResult {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly durationMs: number;
}

export interface RunCommandOptions {
  /** Hard limit: the child gets SIGKILL and the promise rejects once it passes. */
  readonly timeoutMs: number;
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Cap on stdout + stderr kept in memory; the child is killed past it. Default 64 MiB. */
  readonly maxOutputBytes?: number;
}

export type CommandErrorKind = 'not-found' | 'timeout' | 'output-limit' | 'spawn';

/** The command could not run to completion: missing binary, timeout, runaway output. */
export class CommandError extends Error {
  override readonly name = 'CommandError';
  constructor(
    readonly kind: CommandErrorKind,
    message: string,
    readonly stderr = '',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const DEFAULT_MAX_OUTPUT = 64 * 1024 * 1024;
/** After SIGKILL, how long to wait for 'exit' before giving up on the child's pipes. */
const KILL_GRACE_MS = 1_000;

function errnoCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err) {
    const code: unknown = err.code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

/**
 * Runs `cmd` with `args` (no shell, stdin closed) and collects its output as UTF-8.
 * Resolves on exit whatever the exit code; rejects with CommandError when the binary is
 * missing, the timeout passes or the output grows past the cap.
 */
export function runCommand(
  cmd: string,
  args: readonly string[],
  options: RunCommandOptions,
): Promise<CommandResult> {
  const started = performance.now();
  const maxOutput = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;
  const shown = [cmd, ...args].join(' ');

  return new Promise<CommandResult>((resolve, reject) => {
    const child = spawn(cmd, [...args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
    const out: Uint8Array[] = [];
    const err: Uint8Array[] = [];
    let outputBytes = 0;
    let settled = false;
    let killTimer: ReturnType<typeof setTimeout> | undefined;

    const stderrText = (): string => new TextDecoder().decode(Buffer.concat(err));
    const finish = (action: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      clearTimeout(killTimer);
      action();
    };
    // Kill, then settle on 'exit' (or after a grace period): waiting for 'close' could hang
    // forever if a grandchild inherited the pipes.
    const abort = (error: CommandError): void => {
      if (settled || killTimer !== undefined) return;
      child.kill('SIGKILL');
      const fail = (): void =>
        finish(() => {
          child.stdout.destroy();
          child.stderr.destroy();
          reject(error);
        });
      child.once('exit', fail);
      killTimer = setTimeout(fail, KILL_GRACE_MS);
    };
    const collect =
      (into: Uint8Array[]) =>
      (chunk: Uint8Array): void => {
        outputBytes += chunk.byteLength;
        if (outputBytes > maxOutput) {
          abort(new CommandError('output-limit', `${shown}: output exceeded ${maxOutput} bytes`));
          return;
        }
        into.push(chunk);
      };

    const deadline = setTimeout(() => {
      abort(
        new CommandError(
          'timeout',
          `${shown}: timed out after ${options.timeoutMs} ms`,
          stderrText(),
        ),
      );
    }, options.timeoutMs);

    child.stdout.on('data', collect(out));
    child.stderr.on('data', collect(err));
    child.once('error', (cause: unknown) => {
      const missing = errnoCode(cause) === 'ENOENT';
      finish(() =>
        reject(
          new CommandError(
            missing ? 'not-found' : 'spawn',
            missing
              ? `${cmd}: command not found (is it installed and on PATH?)`
              : `${shown}: ${String(cause)}`,
            '',
            { cause },
          ),
        ),
      );
    });
    child.once('close', (exitCode, signal) => {
      finish(() =>
        resolve({
          exitCode,
          signal,
          stdout: new TextDecoder().decode(Buffer.concat(out)),
          stderr: stderrText(),
          durationMs: Math.round(performance.now() - started),
        }),
      );
    });
  });
}
