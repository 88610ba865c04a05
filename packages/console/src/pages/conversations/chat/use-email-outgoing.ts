import { useEffect, useState } from 'react';
import { getEmailOutgoing } from '../../../api/channels.ts';
import type { Conversation } from '../../../api/conversations.ts';

/** Asked once per console: the server's outgoing mail server is set at its start. */
let asked: Promise<boolean> | null = null;

/**
 * Whether an e-mail conversation's replies can leave (an outgoing mail server is set): false says
 * so before the agent writes, and hides Retry on lines that could not go. True for other channels
 * and while not known yet.
 */
export function useEmailOutgoing(channel: Conversation['channel']): boolean {
  const email = channel === 'email';
  const [outgoing, setOutgoing] = useState(true);
  useEffect(() => {
    if (!email) return;
    let live = true;
    asked ??= getEmailOutgoing().then(
      (r) => r.outgoing,
      () => {
        asked = null; // not known: ask again next time, and let the agent write meanwhile
        return true;
      },
    );
    void asked.then((v) => live && setOutgoing(v));
    return () => {
      live = false;
    };
  }, [email]);
  return !email || outgoing;
}
