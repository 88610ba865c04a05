/**
 * The countdown to a conversation's next service-level due time: the first reply while none was
 * sent, then the resolution. Amber in its last quarter, red once breached; it ticks with `now`.
 * The due time comes from the skill's targets and hours, as the server's breach job computes it.
 */
import { type BusinessHours as CoreHours, minuteOf } from '@beckon/core/hours/business-hours';
import { type SlaClock, slaClocks } from '@beckon/core/sla/sla-clock';
import type { BusinessHours, Skill } from '../../../api/types.ts';
import { formatDateTime, formatNumber } from '../../../components/format.ts';
import { useT } from '../../../i18n/language-context.tsx';
import { useNow } from '../../visitors/use-live.ts';
import { useDirectory } from '../directory.tsx';
import './sla-timer.css';

/** What the timer reads of a conversation or a queue entry. */
export interface SlaTimed {
  skillId: string | null;
  priority: number;
  enqueuedAt: string;
  firstResponseAt?: string | null;
  closedAt?: string | null;
}

const coreHours = (h: BusinessHours | null): CoreHours | null =>
  h && {
    timeZone: h.timeZone,
    weekly: h.weekly.map((w) => ({ day: w.day, from: minuteOf(w.from) ?? 0, to: minuteOf(w.to) ?? 0 })),
    holidays: h.holidays,
  };

/** The clock to show: the first one still running, else a missed one. */
export function slaClockOf(skill: Skill | undefined, c: SlaTimed, now: number): SlaClock | null {
  if (!skill?.sla) return null;
  const clocks = slaClocks(
    skill.sla,
    coreHours(skill.hours),
    {
      priority: c.priority,
      startedAt: Date.parse(c.enqueuedAt),
      firstResponseAt: c.firstResponseAt ? Date.parse(c.firstResponseAt) : null,
      closedAt: c.closedAt ? Date.parse(c.closedAt) : null,
    },
    now,
  );
  return clocks.find((k) => k.stoppedAt === null) ?? clocks.find((k) => k.breached) ?? null;
}

/** "4 min", "1 h 20 min", "2 d 3 h". */
export function formatSpan(ms: number): string {
  const n = formatNumber;
  const min = Math.max(0, Math.floor(ms / 60_000));
  if (min < 1) return `${n(Math.max(0, Math.floor(ms / 1000)))} s`;
  if (min < 60) return `${n(min)} min`;
  const h = Math.floor(min / 60);
  if (h < 24) return min % 60 ? `${n(h)} h ${min % 60} min` : `${n(h)} h`;
  return h % 24 ? `${n(Math.floor(h / 24))} d ${h % 24} h` : `${n(Math.floor(h / 24))} d`;
}

export function SlaTimer({
  conversation,
  now,
  small,
}: {
  conversation: SlaTimed;
  now: number;
  small?: boolean;
}) {
  const { skill } = useDirectory();
  const t = useT();
  const clock = slaClockOf(skill(conversation.skillId), conversation, now);
  if (!clock || clock.dueAt === null) return null;
  const target = clock.target === 'first_response' ? 'reply' : 'resolve';
  const left = clock.dueAt - now;
  const running = clock.stoppedAt === null;
  const state = clock.breached ? 'breached' : left < (clock.seconds * 1000) / 4 ? 'warning' : 'ok';
  const text = clock.breached
    ? running
      ? t('{target, select, reply {Reply} other {Resolve}} overdue {span}', {
          target,
          span: formatSpan(-left),
        })
      : t('{target, select, reply {Reply} other {Resolve}} missed', { target })
    : t('{target, select, reply {Reply} other {Resolve}} in {span}', { target, span: formatSpan(left) });
  const due = formatDateTime(new Date(clock.dueAt).toISOString());
  return (
    <span
      className={`sla-timer sla-timer-${state}${small ? ' sla-timer-small' : ''}`}
      title={t('{target, select, reply {First response} other {Resolution}} due {due}', { target, due })}
      data-testid="sla-timer"
      data-sla-state={state}
    >
      <span aria-hidden="true" className="sla-timer-dot" />
      {text}
    </span>
  );
}

/** The timer with its own once-a-second tick, for places without a shared clock (the chat header). */
export function TickingSlaTimer({ conversation }: { conversation: SlaTimed }) {
  const now = useNow(1000);
  return <SlaTimer conversation={conversation} now={now} />;
}
