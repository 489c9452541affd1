/**
 * Which TCP sockets this process holds open (Linux /proc), so a test can see whether the
 * in-process server has really closed its end of a connection: a socket's descriptor stays
 * until Node destroys it, even after `end()`, as long as unsent data is stuck behind a peer
 * that does not read.
 */
import { readFile, readdir, readlink } from 'node:fs/promises';

export interface HeldSocket {
  localPort: number;
  remotePort: number;
  /** Kernel TCP state (1 ESTABLISHED, 4 FIN_WAIT1, 8 CLOSE_WAIT, ...). */
  state: number;
}

async function ownSocketInodes(): Promise<Set<string>> {
  const inodes = new Set<string>();
  for (const fd of await readdir('/proc/self/fd')) {
    const target = await readlink(`/proc/self/fd/${fd}`).catch(() => '');
    const m = /^socket:\[(\d+)\]$/.exec(target);
    if (m?.[1] !== undefined) inodes.add(m[1]);
  }
  return inodes;
}

/** TCP sockets (IPv4 and IPv6) whose descriptor this process still holds. */
export async function heldTcpSockets(): Promise<HeldSocket[]> {
  const inodes = await ownSocketInodes();
  const out: HeldSocket[] = [];
  for (const table of ['/proc/self/net/tcp', '/proc/self/net/tcp6']) {
    const text = await readFile(table, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      const [local, remote, state, inode] = [f[1], f[2], f[3], f[9]];
      if (local === undefined || remote === undefined || state === undefined) continue;
      if (inode === undefined || !inodes.has(inode)) continue;
      out.push({
        localPort: parseInt(local.split(':')[1] ?? '0', 16),
        remotePort: parseInt(remote.split(':')[1] ?? '0', 16),
        state: parseInt(state, 16),
      });
    }
  }
  return out;
}

/** Server-side sockets (local port `serverPort`) still held to the given client ports. */
export async function serverEndsHeld(
  serverPort: number,
  clientPorts: readonly number[],
): Promise<HeldSocket[]> {
  const wanted = new Set(clientPorts);
  return (await heldTcpSockets()).filter(
    (s) => s.localPort === serverPort && wanted.has(s.remotePort),
  );
}
