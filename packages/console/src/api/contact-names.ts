/**
 * The names of known contacts for every list that shows a visitor (inbox, history, live visitors).
 * Lists call `useContactNames` with what they show; missing names are fetched in one request and
 * kept for the console's lifetime, and `visitorLabel` reads them synchronously.
 */
import { useEffect, useSyncExternalStore } from 'react';
import { contactNames } from './contacts.ts';

interface Known {
  name: string | null;
  email: string | null;
}

const byContact = new Map<string, Known | null>();
const byVisitor = new Map<string, Known | null>();
const listeners = new Set<() => void>();
let version = 0;

const subscribe = (fn: () => void) => {
  listeners.add(fn);
  return () => listeners.delete(fn);
};

/** The contact's name or e-mail as known so far (by contact id first, then by visitor id). */
export function knownContact(contactId?: string | null, visitorId?: string | null): Known | undefined {
  return (
    (contactId ? byContact.get(contactId) : undefined) ??
    (visitorId ? byVisitor.get(visitorId) : undefined) ??
    undefined
  );
}

/** Fetches the names of these contacts and visitors' contacts once; re-renders when they arrive. */
export function useContactNames(
  items: readonly { contactId?: string | null; visitorId?: string | null }[],
): void {
  useSyncExternalStore(subscribe, () => version);
  const ids = [
    ...new Set(items.map((i) => i.contactId).filter((id): id is string => !!id && !byContact.has(id))),
  ];
  const visitors = [
    ...new Set(items.map((i) => i.visitorId).filter((id): id is string => !!id && !byVisitor.has(id))),
  ];
  const key = `${ids.join(',')}|${visitors.join(',')}`;
  useEffect(() => {
    if (key === '|') return;
    const [idPart = '', visitorPart = ''] = key.split('|');
    const wantIds = idPart ? idPart.split(',').slice(0, 200) : [];
    const wantVisitors = visitorPart ? visitorPart.split(',').slice(0, 200) : [];
    // Marked as asked at once, so a re-render does not ask again while the answer is on its way.
    for (const id of wantIds) byContact.set(id, null);
    for (const id of wantVisitors) byVisitor.set(id, null);
    contactNames(wantIds, wantVisitors).then(
      (r) => {
        for (const [id, c] of Object.entries(r.contacts)) byContact.set(id, c);
        for (const [id, c] of Object.entries(r.visitors)) byVisitor.set(id, c);
        version++;
        for (const fn of listeners) fn();
      },
      () => {
        // Unknown for now: the next list refresh asks again.
        for (const id of wantIds) byContact.delete(id);
        for (const id of wantVisitors) byVisitor.delete(id);
      },
    );
  }, [key]);
}
