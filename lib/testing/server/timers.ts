/** Every timer a mock instance starts, so that `close()` can clear them all. */
export class TimerRegistry {
  private readonly handles = new Set<NodeJS.Timeout>();

  /** Like `setTimeout`, forgotten once it fires. */
  timeout(fn: () => void, ms: number): NodeJS.Timeout {
    const handle = setTimeout(() => {
      this.handles.delete(handle);
      fn();
    }, ms);
    this.handles.add(handle);
    return handle;
  }

  /** Like `setInterval`. */
  interval(fn: () => void, ms: number): NodeJS.Timeout {
    const handle = setInterval(fn, ms);
    this.handles.add(handle);
    return handle;
  }

  /** Stops one timer. */
  clear(handle: NodeJS.Timeout): void {
    clearTimeout(handle);
    this.handles.delete(handle);
  }

  /** Stops every timer. */
  clearAll(): void {
    for (const handle of this.handles) clearTimeout(handle);
    this.handles.clear();
  }
}
