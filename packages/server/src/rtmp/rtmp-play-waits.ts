/**
 * Players waiting for a stream that is not live yet, by `app/stream` key. As node-media-server
 * and SRS do, `play` of an unpublished stream is held rather than refused; a publisher that
 * arrives within the wait starts every waiting player, and a player still waiting when its
 * time is up is told so (the glue sends NetStream.Play.StreamNotFound and closes).
 *
 * Memory stays bounded: one entry and one timer per waiting play, and every entry leaves on
 * wake, timeout or cancel (a connection can create at most `maxStreams` streams).
 */

interface Waiter {
  readonly key: string;
  readonly onLive: () => void;
  readonly timer: ReturnType<typeof setTimeout>;
}

export class PlayWaits {
  private readonly byKey = new Map<string, Set<Waiter>>();

  /**
   * Holds a player for `key` for at most `timeoutMs`: `onLive` runs when `wake(key)` comes
   * first, `onTimeout` otherwise; never both. Returns the cancel function (idempotent).
   */
  wait(key: string, timeoutMs: number, onLive: () => void, onTimeout: () => void): () => void {
    const timer = setTimeout(() => {
      if (this.remove(waiter)) onTimeout();
    }, timeoutMs);
    const waiter: Waiter = { key, onLive, timer };
    let set = this.byKey.get(key);
    if (set === undefined) {
      set = new Set();
      this.byKey.set(key, set);
    }
    set.add(waiter);
    return () => void this.remove(waiter);
  }

  /** A publisher started `key`: every player waiting for it starts (in arrival order). */
  wake(key: string): void {
    const set = this.byKey.get(key);
    if (set === undefined) return;
    this.byKey.delete(key);
    for (const waiter of set) {
      clearTimeout(waiter.timer);
      waiter.onLive();
    }
  }

  /** Players waiting, over all keys. */
  get size(): number {
    let n = 0;
    for (const set of this.byKey.values()) n += set.size;
    return n;
  }

  /** Server stop: every wait is dropped without a callback (connections are closed anyway). */
  clear(): void {
    for (const set of this.byKey.values()) for (const waiter of set) clearTimeout(waiter.timer);
    this.byKey.clear();
  }

  private remove(waiter: Waiter): boolean {
    const set = this.byKey.get(waiter.key);
    if (set?.delete(waiter) !== true) return false;
    clearTimeout(waiter.timer);
    if (set.size === 0) this.byKey.delete(waiter.key);
    return true;
  }
}
