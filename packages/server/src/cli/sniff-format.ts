import { open } from 'node:fs/promises';

export type ContainerFormat = 'flv' | 'mp4' | 'ts';

/** Sync bytes looked for at 0, 188 and 376 (ISO/IEC 13818-1 2.4.3.2). */
const TS_PACKET = 188;
const SNIFF_BYTES = TS_PACKET * 2 + 1;

/**
 * Recognises a container from its first bytes: FLV by its "FLV" signature (FLV spec E.2),
 * ISO BMFF by a leading ftyp/styp/moov/moof/free box (ISO/IEC 14496-12 4.2), MPEG-TS by the
 * 0x47 sync byte repeating every 188 bytes (one packet's worth is enough for a tiny file).
 */
export function sniffFormat(head: Uint8Array): ContainerFormat | undefined {
  if (head[0] === 0x46 && head[1] === 0x4c && head[2] === 0x56) return 'flv';
  if (head[0] === 0x47 && head.length > TS_PACKET) {
    let sync = true;
    for (let at = TS_PACKET; at < head.length; at += TS_PACKET) sync &&= head[at] === 0x47;
    if (sync) return 'ts';
  }
  if (head.length >= 8) {
    const type = String.fromCharCode(...head.subarray(4, 8));
    if (['ftyp', 'styp', 'moov', 'moof', 'free', 'skip', 'sidx'].includes(type)) return 'mp4';
  }
  return undefined;
}

export async function sniffFile(path: string): Promise<ContainerFormat | undefined> {
  const handle = await open(path, 'r');
  try {
    const head = new Uint8Array(SNIFF_BYTES);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return sniffFormat(head.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}
