/**
 * The history's filters as the URL keeps them (so Back from a transcript returns to the same
 * search) and as the API wants them (instants, CSAT bounds).
 */
import type { Conversation, ConversationSearch, ConversationStatus } from '../../../api/conversations.ts';
import { t } from '../../../i18n/i18n.ts';

type Channel = Conversation['channel'];

export interface HistoryFilters {
  q: string;
  status: '' | ConversationStatus;
  /** Where the customer wrote from (web chat, e-mail, an app, WhatsApp…). */
  channel: '' | Channel;
  agentId: string;
  skillId: string;
  /** YYYY-MM-DD, inclusive, in the viewer's time zone. */
  from: string;
  to: string;
  csat: CsatFilter;
}

export type CsatFilter = '' | 'rated' | '5' | '4+' | '3-' | '1-2';

/** A CSAT choice in words, read on each lookup so it follows the user's language. */
function csatLabel(value: CsatFilter): string {
  switch (value) {
    case '':
      return t('Any');
    case 'rated':
      return t('Rated');
    case '5':
      return t('{stars} only', { stars: '★★★★★' });
    case '4+':
      return t('4 stars or more');
    case '3-':
      return t('3 stars or less');
    case '1-2':
      return t('1–2 stars');
  }
}

export const CSAT_OPTIONS: { value: CsatFilter; readonly label: string }[] = (
  ['', 'rated', '5', '4+', '3-', '1-2'] as const
).map((value) => ({
  value,
  get label() {
    return csatLabel(value);
  },
}));

const CSAT_BOUNDS: Record<Exclude<CsatFilter, ''>, { csatMin?: number; csatMax?: number }> = {
  rated: { csatMin: 1 },
  '5': { csatMin: 5, csatMax: 5 },
  '4+': { csatMin: 4 },
  '3-': { csatMin: 1, csatMax: 3 },
  '1-2': { csatMin: 1, csatMax: 2 },
};

export const EMPTY_FILTERS: HistoryFilters = {
  q: '',
  status: '',
  channel: '',
  agentId: '',
  skillId: '',
  from: '',
  to: '',
  csat: '',
};

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const STATUSES = new Set(['queued', 'offered', 'active', 'closed', 'offline']);
const CHANNELS = new Set([
  'web',
  'app',
  'email',
  'api',
  'messenger',
  'whatsapp',
  'instagram',
  'telegram',
  'sms',
  'voice',
]);

/** Reads the filters from a query string, ignoring anything malformed. */
export function parseFilters(search: string): HistoryFilters {
  const p = new URLSearchParams(search);
  const csat = p.get('csat') ?? '';
  const status = p.get('status') ?? '';
  const day = (key: string) => {
    const v = p.get(key) ?? '';
    return DAY.test(v) ? v : '';
  };
  return {
    q: (p.get('q') ?? '').slice(0, 200),
    status: STATUSES.has(status) ? (status as ConversationStatus) : '',
    channel: CHANNELS.has(p.get('channel') ?? '') ? (p.get('channel') as Channel) : '',
    agentId: p.get('agent') ?? '',
    skillId: p.get('skill') ?? '',
    from: day('from'),
    to: day('to'),
    csat: csat in CSAT_BOUNDS ? (csat as CsatFilter) : '',
  };
}

/** The query string for the URL ("" when nothing is filtered). */
export function filtersQuery(f: HistoryFilters): string {
  const p = new URLSearchParams();
  const pairs: [string, string][] = [
    ['q', f.q.trim()],
    ['status', f.status],
    ['channel', f.channel],
    ['agent', f.agentId],
    ['skill', f.skillId],
    ['from', f.from],
    ['to', f.to],
    ['csat', f.csat],
  ];
  for (const [k, v] of pairs) if (v) p.set(k, v);
  const qs = p.toString();
  return qs ? `?${qs}` : '';
}

/** Local midnight of a YYYY-MM-DD day, as an instant. */
function dayStart(day: string, addDays = 0): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d + addDays).toISOString();
}

/** What the API is asked: the "to" day is inclusive, so the bound is the next midnight. */
export function toSearch(f: HistoryFilters): ConversationSearch {
  return {
    ...(f.q.trim() ? { q: f.q.trim() } : {}),
    ...(f.status ? { status: f.status } : {}),
    ...(f.channel ? { channel: f.channel } : {}),
    ...(f.agentId ? { agentId: f.agentId } : {}),
    ...(f.skillId ? { skillId: f.skillId } : {}),
    ...(f.from ? { from: dayStart(f.from) } : {}),
    ...(f.to ? { to: dayStart(f.to, 1) } : {}),
    ...(f.csat ? CSAT_BOUNDS[f.csat] : {}),
  };
}

export function hasFilters(f: HistoryFilters): boolean {
  return Object.values(f).some((v) => v !== '');
}
