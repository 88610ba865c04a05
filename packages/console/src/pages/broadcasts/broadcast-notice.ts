/** A line the next broadcast page shows once ("Scheduled “Spring prices”."), after the editor navigates away. */
let pending: { id: string; text: string } | null = null;

export function setBroadcastNotice(notice: { id: string; text: string }): void {
  pending = notice;
}

/** The notice for this broadcast, taken so it shows once. */
export function takeBroadcastNotice(id?: string): { id: string; text: string } | null {
  if (!pending || (id !== undefined && pending.id !== id)) return null;
  const notice = pending;
  pending = null;
  return notice;
}
