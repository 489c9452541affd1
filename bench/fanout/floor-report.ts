/**
 * Measures the write floor (write-floor.ts) of the 300-viewer passes and words the result: how
 * much of each server's CPU its write syscalls alone account for, and the lowest Tidecast /
 * node-media-server ratio reachable at Tidecast's write count.
 */
import type { PassResult } from './fanout-stats.js';
import { measureWriteFloor } from './write-floor.js';
import type { FloorMode, FloorResult } from './write-floor.js';

export const FLOOR_VIEWERS = 300;

interface FloorSettings {
  windowMs: number;
  pin: { server: string; others: string } | null;
  /** Progress output (one line per measurement). */
  log: (text: string) => void;
}

const MODES: readonly FloorMode[] = ['socket', 'syscall'];

function bytesPerWrite(pass: PassResult): number {
  const bytesPerSecond = (pass.kbpsMedian * 1000) / 8;
  return bytesPerSecond / pass.writesPerViewerSecond;
}

function describe(floor: FloorResult): string {
  const how = floor.mode === 'socket' ? 'socket.write alone' : 'write(2) alone';
  const skipped =
    floor.skipped > 0 ? `, ${String(floor.skipped)} writes skipped (reader full)` : '';
  return `${how} ${floor.cpuPercent.toFixed(1)}% (sys ${floor.systemPercent.toFixed(1)}%, ${floor.microsPerWrite.toFixed(1)} us/write${skipped})`;
}

/** One line per measured pass at FLOOR_VIEWERS; passes without write counts are skipped. */
export async function floorReport(
  results: readonly PassResult[],
  settings: FloorSettings,
): Promise<string[]> {
  const lines: string[] = [];
  const passes = results.filter(
    (r) =>
      r.viewers === FLOOR_VIEWERS && Number.isFinite(r.writesPerViewerSecond) && r.kbpsMedian > 0,
  );
  for (const pass of passes) {
    const floors: FloorResult[] = [];
    for (const mode of MODES) {
      settings.log(`  write floor: ${pass.server} ${pass.protocol} writes, ${mode} ... `);
      try {
        const floor = await measureWriteFloor({
          mode,
          viewers: pass.viewers,
          writesPerViewerSecond: pass.writesPerViewerSecond,
          bytesPerWrite: bytesPerWrite(pass),
          windowMs: settings.windowMs,
          pin: settings.pin,
        });
        floors.push(floor);
        settings.log(`CPU ${floor.cpuPercent.toFixed(1)}%\n`);
      } catch (error) {
        settings.log(`FAILED: ${error instanceof Error ? error.message : String(error)}\n`);
      }
    }
    if (floors.length === 0) continue;
    const size = (bytesPerWrite(pass) / 1000).toFixed(1);
    lines.push(
      `write floor of ${pass.server}'s ${String(pass.viewers)} ${pass.protocol} writes ` +
        `(${pass.writesPerViewerSecond.toFixed(1)}/viewer/s x ${size} KB; the server measured ` +
        `${pass.cpuPercent.toFixed(1)}%): ${floors.map(describe).join('; ')}`,
    );
    const peer = results.find(
      (r) =>
        r.server === 'node-media-server' &&
        r.viewers === pass.viewers &&
        r.protocol === pass.protocol,
    );
    if (pass.server === 'tidecast' && peer !== undefined && peer.cpuPercent > 0) {
      const ratios = floors.map(
        (f) => `${(f.cpuPercent / peer.cpuPercent).toFixed(2)}x (${f.mode})`,
      );
      lines.push(
        `  lowest tidecast/node-media-server ratio at this write count: ${ratios.join(', ')}`,
      );
    }
  }
  return lines;
}
