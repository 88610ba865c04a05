import { ID_PATTERN, randomId } from './ids.ts';

/** A visit as the tag remembers it between pages (in first-party storage, shared by the site's tabs). */
export interface SessionRecord {
  id: string;
  /** Last activity, epoch ms. */
  last: number;
}

/** Inactivity after which the next activity starts a new session. */
export const SESSION_IDLE_MS = 30 * 60 * 1000;

/** True when `session` is over at `now`: none yet, 30 min idle, or a local midnight passed. */
export function sessionEnded(session: SessionRecord | null, now: number): boolean {
  return (
    !session ||
    now - session.last > SESSION_IDLE_MS ||
    // Local midnight; the server, which knows the site's time zone, decides authoritatively.
    new Date(session.last).toDateString() !== new Date(now).toDateString()
  );
}

/** The session after activity at `now`: the same one with its time refreshed, or a new one (another id). */
export function touchSession(
  session: SessionRecord | null,
  now: number,
  newId: () => string = randomId,
): SessionRecord {
  return { id: sessionEnded(session, now) ? newId() : session!.id, last: now };
}

/** Reads a stored session record, ignoring anything malformed or tampered with. */
export function parseSession(raw: string | null): SessionRecord | null {
  try {
    const s = JSON.parse(raw!);
    if (ID_PATTERN.test(s.id) && s.last > 0) return { id: s.id, last: +s.last };
  } catch {
    // nothing stored, or someone else's value under our key: start over
  }
  return null;
}
