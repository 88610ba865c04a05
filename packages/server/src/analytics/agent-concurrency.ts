/** One chat an agent held, as a half-open span [start, end) in epoch ms. */
export interface ChatSpan {
  start: number;
  end: number;
}

/** How an agent's chats overlapped: time with at least one chat open, total chat time, and the most open at once. */
export interface Concurrency {
  busyMs: number;
  chatMs: number;
  peak: number;
}

/** Sweeps an agent's chat spans in time order (an end before a start at the same instant). */
export function concurrencyOf(spans: readonly ChatSpan[]): Concurrency {
  const edges: Array<[number, number]> = [];
  let chatMs = 0;
  for (const s of spans) {
    if (!(s.end > s.start)) continue;
    edges.push([s.start, 1], [s.end, -1]);
    chatMs += s.end - s.start;
  }
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let open = 0;
  let peak = 0;
  let busyMs = 0;
  let since = 0;
  for (const [at, delta] of edges) {
    if (open > 0) busyMs += at - since;
    open += delta;
    since = at;
    if (open > peak) peak = open;
  }
  return { busyMs, chatMs, peak };
}
