import type { CallView } from '@beckon/protocol/call-protocol';
import type { CallRow } from '../store/calls-repo.ts';

const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());
const int = (n: number | null) => (n === null ? null : Number(n));

/** A stored call as both sides see it. */
export function callView(row: CallRow, agentName: string | null, warmName: string | null = null): CallView {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    state: row.state,
    startedBy: row.started_by === 'agent' ? 'agent' : 'visitor',
    agentId: row.agent_id,
    agentName,
    ringingAgentId: row.state === 'ringing' ? row.ringing_agent_id : null,
    ringUntil: row.state === 'ringing' ? iso(row.ring_deadline) : null,
    leg: Number(row.leg),
    requestedAt: iso(row.requested_at)!,
    answeredAt: iso(row.answered_at),
    endedAt: iso(row.ended_at),
    endedBy: row.ended_by,
    endReason: row.end_reason,
    talkMs: int(row.talk_ms),
    waitMs: int(row.wait_ms),
    recorded: Number(row.recorded) === 1,
    ...(row.direction
      ? {
          phone: {
            number: row.phone_number ?? '',
            direction: row.direction === 'outbound' ? 'outbound' : 'inbound',
          },
        }
      : {}),
    ...(row.warm_from ? { warm: { fromId: row.warm_from, fromName: warmName } } : {}),
  };
}

/**
 * A duration as `language` writes it ("2 Min. 5 Sek."); English, and a chat without a language,
 * keep "2 min 05 s".
 */
export function spokenIn(language: string | null, ms: number): string {
  if (!language || language === 'en') return spoken(ms);
  const s = Math.max(0, Math.round(ms / 1000));
  const unit = (n: number, u: 'minute' | 'second') =>
    new Intl.NumberFormat(language, { style: 'unit', unit: u, unitDisplay: 'short' }).format(n);
  return s < 60 ? unit(s, 'second') : `${unit(Math.floor(s / 60), 'minute')} ${unit(s % 60, 'second')}`;
}

/** "2 min 05 s" or "45 s": how the timeline says a duration. */
export function spoken(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}
