/** The console's words while the server has asked it to pause (4429), counting down to the retry. */
import { useEffect, useState } from 'react';
import { useT } from '../i18n/language-context.tsx';
import { rateLimitedText } from './reconnect-delay.ts';
import { useWorkspace } from './workspace-context.tsx';

/** "Too many requests — reconnecting in N s" while a rate-limited socket waits, each second; else null. */
export function useRateLimitNotice(): string | null {
  const retryAt = useWorkspace((s) => (s.connection === 'reconnecting' ? s.retryAt : null), null);
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    if (retryAt === null) return;
    setNow(Date.now());
    const tick = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(tick);
  }, [retryAt]);
  return retryAt === null ? null : rateLimitedText(retryAt, now);
}

/**
 * The countdown as people see it, ticking each second, and as screen readers hear it: once, in
 * words that do not change, so a live region is not read out again every second.
 */
export function RateLimitText({ text }: { text: string }) {
  const t = useT();
  return (
    <>
      <span aria-hidden="true">{text}</span>
      <span className="visually-hidden">{t('Too many requests — reconnecting shortly.')}</span>
    </>
  );
}
