import type { CallFigures, CallsReport } from '@beckon/protocol/call-reports-api';
import { type CsvColumn, toCsv } from './csv-table.ts';

const round = (v: number | null, digits: number) => (v === null ? null : Number(v.toFixed(digits)));

/** A row of the calls CSV: the total, a day, a skill, an agent, a count of callbacks, or a phone number's voicemails. */
interface CallRow {
  group: 'total' | 'day' | 'skill' | 'agent' | 'callbacks' | 'number';
  key: string;
  name: string;
  figures?: CallFigures;
  count?: number;
}

const COLUMNS: CsvColumn<CallRow>[] = [
  { header: 'group', value: (r) => r.group },
  { header: 'key', value: (r) => r.key },
  { header: 'name', value: (r) => r.name },
  { header: 'offered', value: (r) => r.figures?.offered },
  { header: 'answered', value: (r) => r.figures?.answered },
  { header: 'abandoned', value: (r) => r.figures?.abandoned },
  { header: 'missed', value: (r) => r.figures?.missed },
  { header: 'answer_rate', value: (r) => round(r.figures?.answerRate ?? null, 4) },
  { header: 'avg_wait_s', value: (r) => round(r.figures?.avgWaitSeconds ?? null, 1) },
  { header: 'p90_wait_s', value: (r) => round(r.figures?.p90WaitSeconds ?? null, 1) },
  { header: 'avg_talk_s', value: (r) => round(r.figures?.avgTalkSeconds ?? null, 1) },
  { header: 'total_talk_s', value: (r) => round(r.figures?.totalTalkSeconds ?? null, 1) },
  { header: 'hold_s', value: (r) => round(r.figures?.holdSeconds ?? null, 1) },
  { header: 'transfers', value: (r) => r.figures?.transfers },
  { header: 'voicemails', value: (r) => (r.group === 'number' ? r.count : r.figures?.voicemails) },
  { header: 'callbacks', value: (r) => (r.group === 'callbacks' ? r.count : undefined) },
];

const CALLBACKS: Array<[keyof CallsReport['callbacks'], string]> = [
  ['requested', 'Requested'],
  ['scheduled', 'Scheduled'],
  ['queued', 'In the queue'],
  ['reached', 'Reached'],
  ['noAnswer', 'No answer'],
  ['wrongNumber', 'Wrong number'],
  ['rescheduled', 'Rescheduled'],
];

/**
 * One table: the total, then each skill, agent and day, then the callbacks by outcome (`callbacks`
 * column), then each phone number's voicemails (`voicemails` column).
 */
export function callsCsv(r: CallsReport): string {
  const rows: CallRow[] = [
    { group: 'total', key: 'total', name: 'All calls', figures: r.total },
    ...r.skills.map((s) => ({ group: 'skill' as const, key: s.skillId ?? '', name: s.name, figures: s })),
    ...r.agents.map((a) => ({ group: 'agent' as const, key: a.agentId, name: a.name, figures: a })),
    ...r.days.map((d) => ({ group: 'day' as const, key: d.day, name: d.day, figures: d })),
    ...CALLBACKS.map(([key, name]) => ({ group: 'callbacks' as const, key, name, count: r.callbacks[key] })),
    ...r.numbers.map((n) => ({
      group: 'number' as const,
      key: n.number,
      name: n.number,
      count: n.voicemails,
    })),
  ];
  return toCsv(COLUMNS, rows);
}
