import type { ArticleMatch, BotHandoff, BotReply } from '@beckon/protocol/bots-api';
import type { Message } from '@beckon/protocol/chat-api';

/** The payloads of the answer bot's "did this help?" buttons. */
export const HELPED = 'answer:helped';
export const NOT_HELPED = 'answer:not_helped';

/** What the answer bot does with a visitor's line. */
export type AnswerDecision =
  | { kind: 'reply'; reply: BotReply; article: ArticleMatch }
  | { kind: 'resolve'; reply: BotReply }
  | { kind: 'handoff'; handoff: BotHandoff; reply: BotReply; reason: 'no_answer' | 'not_helped' };

const ASK_HELPED = [
  { title: 'Yes, thanks', payload: HELPED },
  { title: 'No', payload: NOT_HELPED },
];

const HANDOVER_LINE = 'Let me connect you with a person who can help.';

/**
 * The built-in answer bot's rule, with no I/O: the visitor's answer to "did this help?" (the
 * buttons of its last line) resolves the conversation or hands it over; any other line is a
 * question, answered with the best article when its confidence reaches the threshold, else handed
 * over with a note that says why.
 */
export function decide(
  line: Message,
  lastBotLine: Message | undefined,
  matches: readonly ArticleMatch[],
  threshold: number,
): AnswerDecision {
  const asked = lastBotLine?.rich?.quickReplies ?? [];
  const picked = asked.find((q) => q.title.trim().toLowerCase() === line.text.trim().toLowerCase());
  if (picked?.payload === HELPED) {
    return {
      kind: 'resolve',
      reply: { text: 'Glad that helped! This chat is now closed; write again any time.' },
    };
  }
  if (picked?.payload === NOT_HELPED) {
    const title = lastBotLine?.rich?.card?.title;
    return {
      kind: 'handoff',
      handoff: { note: `The visitor said the article “${title ?? 'suggested'}” did not help.` },
      reply: { text: HANDOVER_LINE },
      reason: 'not_helped',
    };
  }
  const best = matches[0];
  if (best && best.confidence >= threshold) {
    return {
      kind: 'reply',
      article: best,
      reply: {
        text: `This article may answer your question: “${best.article.title}”. Did this help?`,
        card: {
          title: best.article.title,
          text: best.excerpt,
          ...(best.article.url ? { url: best.article.url, linkText: 'Read the article' } : {}),
        },
        quickReplies: ASK_HELPED,
      },
    };
  }
  const question = line.text.length > 200 ? `${line.text.slice(0, 200)}…` : line.text;
  const near = best
    ? ` The closest article, “${best.article.title}”, matched ${Math.round(best.confidence * 100)}%.`
    : '';
  return {
    kind: 'handoff',
    handoff: { note: `No article answered “${question}” with enough confidence.${near}` },
    reply: { text: HANDOVER_LINE },
    reason: 'no_answer',
  };
}

/**
 * The answer bot's line for a generated answer: the model's words, then its sources by the numbers
 * it cited them with (title and link), the first cited article as a card, and "did this help?".
 */
export function generatedReply(
  answer: string,
  sent: readonly ArticleMatch[],
  cited: readonly ArticleMatch[],
): BotReply {
  const sources = cited.map((m) => {
    const n = sent.indexOf(m) + 1;
    return `[${n}] ${m.article.title}${m.article.url ? ` — ${m.article.url}` : ''}`;
  });
  const first = cited[0] ?? sent[0]!;
  return {
    text: `${answer}\n\nSources:\n${sources.join('\n')}\n\nDid this help?`.slice(0, 4000),
    card: {
      title: first.article.title,
      text: first.excerpt,
      ...(first.article.url ? { url: first.article.url, linkText: 'Read the article' } : {}),
    },
    quickReplies: ASK_HELPED,
  };
}
