/**
 * The window the form suggests, in the visitor's time: from `from` (a closed skill's next opening),
 * else the quarter hour after the next hour; until two hours on, within that day, so the end
 * always comes after the start.
 */
export function suggestedWindow(now: number, from?: Date): { start: Date; end: Date } {
  const start = new Date(from ?? now + 3_600_000);
  if (!from) {
    start.setMinutes(Math.ceil(start.getMinutes() / 15) * 15, 0, 0);
    const h = start.getHours();
    // Not at night: late in the evening or before 8:00, it suggests 9:00 the next morning.
    if (h * 60 + start.getMinutes() > 23 * 60 || h < 8) start.setHours(h < 8 ? 9 : 33, 0, 0, 0);
  }
  const end = new Date(start);
  const h = start.getHours();
  end.setHours(Math.min(h + 2, 23), h < 22 ? 0 : 59, 0, 0);
  return { start, end };
}
