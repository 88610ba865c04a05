import type { ArticleMatch } from '@beckon/protocol/bots-api';
import type { Egress } from '../egress/egress.ts';
import type { Logger } from '../logger.ts';
import type { AnswerGenerator } from '../store/answer-generation-repo.ts';

/** Articles sent to the model with each question. */
export const GENERATION_ARTICLES = 3;
/** The most of an article's body sent to the model (characters). */
const ARTICLE_CHARS = 4000;
/** The most of a completion read (bytes); a longer body is not an answer. */
const RESPONSE_BYTES = 256 * 1024;
/** What the model says when the articles do not answer the question. */
export const NO_ANSWER = 'NO_ANSWER';

const INSTRUCTIONS =
  'You are a support assistant. Answer the customer only from the numbered articles below. ' +
  'Be brief (at most 5 sentences) and friendly, in the language of the question. ' +
  'Cite the articles you used with their numbers in square brackets, like [1]. ' +
  `If the articles do not answer the question, reply exactly ${NO_ANSWER}.`;

/** A generated answer and the articles it cites, best first. */
export interface GeneratedAnswer {
  text: string;
  cited: ArticleMatch[];
}

/** The chat-completions request body: the instructions, the numbered articles, and the question. */
export function completionRequest(model: string, question: string, articles: readonly ArticleMatch[]) {
  const numbered = articles
    .map((m, i) => {
      const url = m.article.url ? `\nURL: ${m.article.url}` : '';
      return `[${i + 1}] ${m.article.title}${url}\n${m.article.body.slice(0, ARTICLE_CHARS)}`;
    })
    .join('\n\n');
  return {
    model,
    temperature: 0.2,
    max_tokens: 500,
    stream: false,
    messages: [
      { role: 'system', content: `${INSTRUCTIONS}\n\nArticles:\n\n${numbered}` },
      { role: 'user', content: question },
    ],
  };
}

/** The articles an answer cites by number; all of them when it cites none. */
function citedBy(text: string, articles: readonly ArticleMatch[]): ArticleMatch[] {
  const numbers = new Set([...text.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1])));
  const cited = articles.filter((_, i) => numbers.has(i + 1));
  return cited.length > 0 ? cited : [...articles];
}

/**
 * Asks an OpenAI-compatible server (OpenAI, llama.cpp, Ollama, vLLM…) for an answer grounded in
 * the articles. Undefined on any fault — a timeout, a non-2xx, a body that is not a completion,
 * an empty answer, or the model's "no answer" — so the caller falls back to the article itself.
 */
export async function generateAnswer(
  egress: Egress,
  gen: AnswerGenerator,
  question: string,
  articles: readonly ArticleMatch[],
  timeoutMs: number,
  log: Logger,
): Promise<GeneratedAnswer | undefined> {
  const body = JSON.stringify(completionRequest(gen.model, question, articles));
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (gen.apiKey) headers.authorization = `Bearer ${gen.apiKey}`;
  try {
    // The base URL is configured: the egress checks its address, and caps the time and the answer's size.
    const res = await egress.request(`${gen.baseUrl}/chat/completions`, {
      method: 'POST',
      headers,
      body,
      redirect: 'error',
      // A completion asked twice costs only the model's time.
      repeatable: true,
      timeoutMs,
      maxBytes: RESPONSE_BYTES,
    });
    if (res.status < 200 || res.status >= 300) {
      log.info({ status: res.status }, 'generated answer refused; the article answers instead');
      return undefined;
    }
    const parsed = JSON.parse(res.body.toString('utf8')) as {
      choices?: { message?: { content?: unknown } }[];
    };
    const content = parsed.choices?.[0]?.message?.content;
    const answer = typeof content === 'string' ? content.trim() : '';
    if (!answer || answer.includes(NO_ANSWER)) return undefined;
    return { text: answer.slice(0, 3000), cited: citedBy(answer, articles) };
  } catch (err) {
    log.info({ err: (err as Error).message }, 'generated answer failed; the article answers instead');
    return undefined;
  }
}
