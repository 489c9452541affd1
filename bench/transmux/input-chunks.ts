import { readFile } from 'node:fs/promises';

/**
 * Loads a file and splits it into fresh ArrayBuffers of `chunkBytes`, as a fetch/WebSocket loader
 * delivers them. Done once, outside the timed region; every implementation gets the same buffers.
 */
export async function loadChunks(path: string, chunkBytes: number): Promise<ArrayBuffer[]> {
  if (!Number.isInteger(chunkBytes) || chunkBytes <= 0) {
    throw new RangeError(`chunk size must be a positive integer, got ${chunkBytes}`);
  }
  const file = await readFile(path);
  const chunks: ArrayBuffer[] = [];
  for (let start = 0; start < file.length; start += chunkBytes) {
    const end = Math.min(start + chunkBytes, file.length);
    const chunk = new ArrayBuffer(end - start);
    new Uint8Array(chunk).set(file.subarray(start, end));
    chunks.push(chunk);
  }
  return chunks;
}

export function totalBytes(chunks: readonly ArrayBuffer[]): number {
  let total = 0;
  for (const chunk of chunks) total += chunk.byteLength;
  return total;
}
