import { open } from 'node:fs/promises';

/** Reads a file as a sequence of chunks without holding it all in memory. */
export async function* readChunks(
  path: string,
  chunkSize = 1024 * 1024,
): AsyncGenerator<Uint8Array, void, undefined> {
  const handle = await open(path, 'r');
  try {
    while (true) {
      // A fresh buffer per chunk: demuxers may keep views into earlier chunks.
      const buffer = new Uint8Array(chunkSize);
      const { bytesRead } = await handle.read(buffer, 0, chunkSize, null);
      if (bytesRead === 0) return;
      yield bytesRead === chunkSize ? buffer : buffer.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}
