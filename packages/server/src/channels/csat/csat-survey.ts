import type { ChannelKind } from '../channel.ts';

/**
 * The words and buttons of a satisfaction survey on a customer's own channel, and how an answer
 * is read back. Pure: the survey service, each channel's send and the answer check share it.
 */

/** How long after the survey a bare digit still counts as the rating (a button's payload too). */
export const SURVEY_ANSWER_WINDOW_MS = 24 * 60 * 60 * 1000;

/** What a button's payload starts with: `csat:5`. */
const PAYLOAD_PREFIX = 'csat:';

/** Each score with the words a button or a list row shows (Messenger cuts titles at 20 characters). */
export const SCORES = [
  { score: 5, title: '5 · Excellent' },
  { score: 4, title: '4 · Good' },
  { score: 3, title: '3 · Okay' },
  { score: 2, title: '2 · Poor' },
  { score: 1, title: '1 · Very poor' },
] as const;

/** The payload a survey's button sends back for `score`. */
export const scorePayload = (score: number) => `${PAYLOAD_PREFIX}${score}`;

/** The survey stored with its line (the outbox payload): channels with buttons draw them from it. */
export interface SurveyPayload {
  csat: { question: string };
}

/** The survey of a line's outbox payload, when the line is one. */
export function surveyOf(payload: Record<string, unknown> | undefined): SurveyPayload['csat'] | undefined {
  const s = payload?.csat as { question?: unknown } | undefined;
  return typeof s?.question === 'string' ? { question: s.question } : undefined;
}

const QUESTION = 'How would you rate the help you got today?';

/** The survey's text on `channel`; e-mail's carries one link per score. */
export function surveyText(channel: ChannelKind, links?: readonly { score: number; url: string }[]): string {
  if (channel === 'email' && links)
    return [
      `${QUESTION} Rate it with one click:`,
      '',
      ...SCORES.map(({ score, title }) => `${title}: ${links.find((l) => l.score === score)?.url ?? ''}`),
    ].join('\n');
  if (channel === 'sms') return `${QUESTION} Reply with a number from 1 (very poor) to 5 (excellent).`;
  return `${QUESTION} Tap a score below, or reply with a number from 1 (very poor) to 5 (excellent).`;
}

/** The question a channel with buttons shows above them. */
export const surveyQuestion = () => QUESTION;

/**
 * The score an answer gives: a survey button's payload (`csat:4`), or a message that is only a
 * digit from 1 to 5 (`4`, ` 4 `, `4.`, `4/5`, a button's own title `4 · Good`). Anything else is
 * a message, not a rating.
 */
export function scoreOf(text: string, payload?: string | null): number | null {
  if (payload?.startsWith(PAYLOAD_PREFIX)) {
    const n = Number(payload.slice(PAYLOAD_PREFIX.length));
    return Number.isInteger(n) && n >= 1 && n <= 5 ? n : null;
  }
  const t = text.trim();
  const bare = /^([1-5])(?:\s*(?:\/\s*5|\.|!))?$/.exec(t);
  if (bare) return Number(bare[1]);
  const titled = SCORES.find((s) => s.title === t);
  return titled ? titled.score : null;
}
