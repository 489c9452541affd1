import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * An output file that only appears under its final name when complete: bytes go to a hidden
 * temporary file beside it (same filesystem, so the final rename is atomic) and are removed on
 * failure, so a failed job never leaves a partial file behind.
 */
export class AtomicOutput {
  readonly finalPath: string;
  readonly tempPath: string;
  private handle: FileHandle | undefined;
  private written = 0;

  private constructor(finalPath: string, tempPath: string, handle: FileHandle) {
    this.finalPath = finalPath;
    this.tempPath = tempPath;
    this.handle = handle;
  }

  static async create(finalPath: string): Promise<AtomicOutput> {
    const tempPath = join(
      dirname(finalPath),
      `.${basename(finalPath)}.${process.pid}-${randomBytes(4).toString('hex')}.partial`,
    );
    const handle = await open(tempPath, 'wx');
    return new AtomicOutput(finalPath, tempPath, handle);
  }

  /** Bytes appended so far: the file offset the next `write` lands at. */
  get size(): number {
    return this.written;
  }

  async write(bytes: Uint8Array): Promise<void> {
    const handle = this.requireOpen();
    let done = 0;
    while (done < bytes.length) {
      const { bytesWritten } = await handle.write(bytes, done, bytes.length - done, this.written);
      done += bytesWritten;
      this.written += bytesWritten;
    }
  }

  /** Overwrites bytes written earlier (back-patching a header field). */
  async writeAt(position: number, bytes: Uint8Array): Promise<void> {
    await this.requireOpen().write(bytes, 0, bytes.length, position);
  }

  async commit(): Promise<void> {
    const handle = this.requireOpen();
    this.handle = undefined;
    await handle.close();
    await rename(this.tempPath, this.finalPath);
  }

  /** Removes the temporary file; safe to call after a failed or finished commit. */
  async abort(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    if (handle !== undefined) await handle.close().catch(() => undefined);
    await unlink(this.tempPath).catch(() => undefined);
  }

  private requireOpen(): FileHandle {
    if (this.handle === undefined) throw new Error(`output ${this.finalPath} is already closed`);
    return this.handle;
  }
}
