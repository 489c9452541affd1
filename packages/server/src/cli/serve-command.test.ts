import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../../../e2e/support/run-command.js';

const BIN = fileURLToPath(new URL('../../bin/tidecast.js', import.meta.url));

describe('tidecast serve (compiled bin)', () => {
  it('rejects a bad configuration with one line per field and exit 64', async () => {
    const result = await runCommand(
      process.execPath,
      [BIN, '--rtmp-port', 'x', '--log-level', 'loud'],
      {
        timeoutMs: 15_000,
        env: { ...process.env, TIDECAST_HTTP_PORT: '99999' },
      },
    );
    expect(result.exitCode).toBe(64);
    expect(result.stderr).toMatch(/flag --rtmp-port: rtmpPort must be an integer port/);
    expect(result.stderr).toMatch(/flag --log-level: logLevel must be one of/);
    expect(result.stderr).toMatch(/env TIDECAST_HTTP_PORT: httpPort must be/);
  });

  it('starts as the default command, logs JSON, and exits 0 on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      [BIN, '--rtmp-port', '0', '--http-port', '0', '--host', '127.0.0.1', '--no-demo'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => resolve(code)),
    );
    const listening = await new Promise<{ httpPort: number; rtmpPort: number }>(
      (resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no listening line: ${stdout}`)), 15_000);
        child.stdout.on('data', () => {
          for (const line of stdout.split('\n')) {
            if (!line.includes('listening')) continue;
            clearTimeout(timer);
            resolve(JSON.parse(line) as { httpPort: number; rtmpPort: number });
          }
        });
      },
    );
    expect(listening.rtmpPort).toBeGreaterThan(0);
    const res = await fetch(`http://127.0.0.1:${listening.httpPort}/api/server`);
    expect(res.status).toBe(200);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stdout).toMatch(/"msg":"stopped"/);
  });
});
