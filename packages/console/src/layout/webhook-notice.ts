/** How many webhook endpoints were turned off for failing, for owners' and admins' navigation. */
import { useEffect, useState } from 'react';
import { webhookNotice } from '../api/webhooks.ts';
import { canManage, useSession } from '../session/session-context.tsx';

/** Looked at on load and every minute; 0 for roles that cannot manage webhooks. */
export function useDisabledWebhooks(): number {
  const { user } = useSession();
  const manager = canManage(user.role);
  const [count, setCount] = useState(0);
  useEffect(() => {
    if (!manager) return;
    let live = true;
    const look = () =>
      webhookNotice()
        .then((n) => live && setCount(n.disabled.length))
        .catch(() => {});
    look();
    const timer = setInterval(look, 60_000);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [manager]);
  return count;
}
