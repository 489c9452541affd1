/**
 * CPU time, RSS and write syscalls of another process read from /proc (Linux), so a saturated
 * server need not answer anything to be measured. Returns null where /proc is missing (the
 * runner then asks the child over IPC instead).
 */
import { readFileSync } from 'node:fs';
import type { ProcessSample } from './ipc-messages.js';

/** USER_HZ: the unit of utime/stime in /proc/PID/stat; 100 on every mainstream Linux build. */
const CLOCK_TICKS_PER_SECOND = 100;

export function procSample(pid: number): ProcessSample | null {
  try {
    const stat = readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
    const status = readFileSync(`/proc/${String(pid)}/status`, 'utf8');
    // Fields after "(comm)": state is field 3, utime field 14, stime field 15 (proc(5)).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const systemTicks = Number(fields[12]);
    const ticks = Number(fields[11]) + systemTicks;
    const rss = /^VmRSS:\s+(\d+) kB/m.exec(status);
    if (!Number.isFinite(ticks) || rss?.[1] === undefined) return null;
    return {
      cpuMicros: (ticks * 1e6) / CLOCK_TICKS_PER_SECOND,
      systemMicros: (systemTicks * 1e6) / CLOCK_TICKS_PER_SECOND,
      rssBytes: Number(rss[1]) * 1024,
      writeCalls: writeCalls(pid),
      atMs: performance.now(),
    };
  } catch {
    return null;
  }
}

/**
 * `syscw` of /proc/PID/io (proc(5)): write, writev, sendmsg... calls. With hundreds of viewers
 * the server's CPU is mostly these calls, so writes per viewer explain its CPU figure.
 */
function writeCalls(pid: number): number {
  try {
    const io = readFileSync(`/proc/${String(pid)}/io`, 'utf8');
    const match = /^syscw:\s+(\d+)$/m.exec(io);
    return match?.[1] === undefined ? Number.NaN : Number(match[1]);
  } catch {
    return Number.NaN;
  }
}
