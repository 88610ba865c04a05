/** A typed event emitter with no dependency on Node's or the DOM's. */
export class Emitter<Events extends Record<string, (...args: never[]) => void>> {
  private readonly listeners = new Map<keyof Events, Set<Events[keyof Events]>>();

  /** Calls `fn` on each `event`; returns a function that stops it. */
  on<E extends keyof Events>(event: E, fn: Events[E]): () => void {
    const set = this.listeners.get(event) ?? new Set();
    this.listeners.set(event, set);
    set.add(fn);
    return () => set.delete(fn);
  }

  protected emit<E extends keyof Events>(event: E, ...args: Parameters<Events[E]>): void {
    for (const fn of [...(this.listeners.get(event) ?? [])]) {
      try {
        (fn as (...a: Parameters<Events[E]>) => void)(...args);
      } catch {
        // A listener's fault must not stop delivery to the others.
      }
    }
  }
}
