/** Typed request/reply over a forked child's IPC channel, with timeouts and a kill switch. */
import { execFileSync, fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { hasType } from './ipc-messages.js';

/** Pins every thread of `pid` to `cpus` (taskset list syntax); false if not possible. */
export function pinProcess(pid: number, cpus: string): boolean {
  if (pid <= 0) return false;
  try {
    execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export class ChildLink<Request extends { type: string }, Reply extends { type: string }> {
  private readonly child: ChildProcess;
  private readonly waiters: ((reply: Reply) => boolean)[] = [];
  private exitText: string | null = null;
  private readonly exited: Promise<void>;

  /** Forks `script` (a .ts file; the child inherits this process's tsx loader flags). */
  constructor(script: URL, args: readonly string[]) {
    this.child = fork(script, args, { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    this.child.on('message', (message: unknown) => {
      if (!hasType(message)) return;
      const index = this.waiters.findIndex((accept) => accept(message as Reply));
      if (index >= 0) this.waiters.splice(index, 1);
    });
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => {
        this.exitText = `exited (${String(code ?? signal)})`;
        for (const waiter of this.waiters.splice(0)) waiter({ type: 'exit' } as Reply);
        resolve();
      });
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  send(request: Request): void {
    if (this.exitText === null && this.child.connected) this.child.send(request);
  }

  /** Resolves with the first reply of `type`; rejects on timeout or if the child exits. */
  next<T extends Reply['type']>(type: T, timeoutMs: number): Promise<Extract<Reply, { type: T }>> {
    return new Promise((resolve, reject) => {
      if (this.exitText !== null) {
        reject(new Error(`child ${this.exitText}`));
        return;
      }
      const timer = setTimeout(() => {
        const index = this.waiters.indexOf(accept);
        if (index >= 0) this.waiters.splice(index, 1);
        reject(new Error(`no '${type}' from child within ${String(timeoutMs)} ms`));
      }, timeoutMs);
      const accept = (reply: Reply): boolean => {
        if (reply.type === 'exit') {
          clearTimeout(timer);
          reject(new Error(`child ${this.exitText ?? 'exited'} before '${type}'`));
          return true;
        }
        if (reply.type === 'failed') {
          clearTimeout(timer);
          reject(new Error(`child failed: ${JSON.stringify(reply)}`));
          return true;
        }
        if (reply.type !== type) return false;
        clearTimeout(timer);
        resolve(reply as Extract<Reply, { type: T }>);
        return true;
      };
      this.waiters.push(accept);
    });
  }

  pin(cpus: string): boolean {
    return pinProcess(this.pid, cpus);
  }

  /** Asks nicely with `stop`, then kills this child (by its own pid) after `graceMs`. */
  async stop(stopRequest: Request, graceMs: number): Promise<void> {
    this.send(stopRequest);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}
