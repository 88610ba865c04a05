/**
 * A call bar that takes the place of the control that had the focus (the ringing notice's Answer,
 * the transfer dialog's button): it takes the focus, so the keyboard goes on from there. A modal
 * dialog still open keeps the focus until it closes.
 */
import { type ReactNode, useEffect, useRef } from 'react';
import { PhoneIcon } from '../components/icons.tsx';
import { useT } from '../i18n/language-context.tsx';
import { useCalls } from './use-calls.ts';
import { useWorkspaceStore } from './workspace-context.tsx';

/** Render it with the call's id as `key`: a new call is a new bar, and takes the focus again. */
export function ArrivingCallBar({
  label,
  testId,
  className = '',
  children,
}: {
  label: string;
  testId: string;
  className?: string;
  children: ReactNode;
}) {
  const bar = useRef<HTMLElement>(null);
  useEffect(() => {
    const modal = document.querySelector('dialog[open]');
    if (!modal) {
      bar.current?.focus();
      return;
    }
    const later = () => bar.current?.focus();
    modal.addEventListener('close', later, { once: true });
    return () => modal.removeEventListener('close', later);
  }, []);
  return (
    <section
      ref={bar}
      tabIndex={-1}
      className={`call-bar call-bar-held ${className}`}
      aria-label={label}
      data-testid={testId}
    >
      <PhoneIcon className="call-bar-icon" />
      {children}
    </section>
  );
}

/** Mutes or unmutes this agent's microphone on a call. */
export function MuteButton({ callId }: { callId: string }) {
  const t = useT();
  const store = useWorkspaceStore();
  const calls = useCalls();
  return (
    <button
      type="button"
      className="button button-small"
      aria-pressed={calls.muted}
      onClick={() => store?.calls.toggleMute(callId)}
    >
      {calls.muted ? t('Unmute') : t('Mute')}
    </button>
  );
}
