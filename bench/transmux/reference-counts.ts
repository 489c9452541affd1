import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface PacketCounts {
  video: number;
  audio: number;
}

/**
 * Packet counts of the input according to ffprobe (the external judge), or undefined when
 * ffprobe is not installed or fails. Used only to label the equivalence check.
 */
export async function ffprobePacketCounts(path: string): Promise<PacketCounts | undefined> {
  try {
    const { stdout } = await run(
      'ffprobe',
      [
        '-v',
        'error',
        '-count_packets',
        '-show_entries',
        'stream=codec_type,nb_read_packets',
        '-of',
        'json',
        path,
      ],
      { timeout: 60_000 },
    );
    const parsed: unknown = JSON.parse(stdout);
    const counts: PacketCounts = { video: 0, audio: 0 };
    if (typeof parsed !== 'object' || parsed === null || !('streams' in parsed)) return undefined;
    if (!Array.isArray(parsed.streams)) return undefined;
    for (const stream of parsed.streams as unknown[]) {
      if (typeof stream !== 'object' || stream === null) continue;
      const kind = 'codec_type' in stream ? stream.codec_type : undefined;
      const packets = 'nb_read_packets' in stream ? Number(stream.nb_read_packets) : NaN;
      if ((kind === 'video' || kind === 'audio') && Number.isFinite(packets)) {
        counts[kind] += packets;
      }
    }
    return counts;
  } catch {
    return undefined;
  }
}
