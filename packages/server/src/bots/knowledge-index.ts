import type { ArticleMatch, KnowledgeArticle } from '@beckon/protocol/bots-api';
import MiniSearch from 'minisearch';
import type { Bus } from '../bus/bus.ts';
import type { Logger } from '../logger.ts';
import type { Store } from '../store/store.ts';

/** The bus topic on which a node says an account's articles changed: every node drops its index. */
export const KNOWLEDGE_CHANGED = 'knowledge.changed';
/**
 * How long a node trusts an index it built, in case a change's message was lost (ms). Long: a bus
 * that reconnects drops every index anyway, and a large knowledge base takes seconds to index.
 */
const INDEX_TTL_MS = 15 * 60_000;
/** Longest excerpt shown with an answer, in characters. */
const EXCERPT_CHARS = 240;

/** Words that say nothing about what the visitor wants: they count neither for nor against an article. */
const STOP_WORDS = new Set(
  (
    'a an and are as at be been but by can could do does did for from had has have hello hi hey how i ' +
    "i'm if in into is it its me my no not of on or our please so than thanks thank that the their them " +
    'then there these they this to too us want was we were what when where which who why will with would ' +
    'you your yours im dont cant get got need help'
  ).split(' '),
);

/** Lower-cased words of a text, stop words left out (MiniSearch's `processTerm`). */
export const termOf = (term: string): string | null => {
  const t = term.toLowerCase();
  return t.length < 2 || STOP_WORDS.has(t) ? null : t;
};

/** The distinct content words of a question. */
export function questionTerms(text: string): string[] {
  const tokenize = MiniSearch.getDefault('tokenize') as (text: string, field: string) => string[];
  return [
    ...new Set(
      tokenize(text, '')
        .map(termOf)
        .filter((t): t is string => !!t),
    ),
  ];
}

interface Built {
  index: MiniSearch<KnowledgeArticle>;
  articles: Map<string, KnowledgeArticle>;
  at: number;
}

/**
 * Each account's knowledge base as a BM25 index (MiniSearch) in this node's memory, built from the
 * store on first use. An edit on any node publishes `knowledge.changed` on the bus and every node
 * drops that account's index, so the next question rebuilds it from the store. A bus that
 * reconnects drops them all; a TTL bounds how stale an index can be otherwise.
 *
 * Confidence is the share of the question's content words that the best article holds (0–1): an
 * admin reads "0.5" as "half of what the visitor asked is in the article". BM25 ranks; the share
 * decides whether to answer, because raw BM25 scores do not compare across knowledge bases.
 */
export class KnowledgeIndex {
  private readonly built = new Map<string, Promise<Built>>();
  private unsubscribe?: () => Promise<void>;
  private offReconnect?: () => void;

  constructor(
    private readonly store: Store,
    private readonly bus: Bus,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    this.unsubscribe = await this.bus.subscribe(KNOWLEDGE_CHANGED, (m) => {
      const accountId = (m as { accountId?: unknown }).accountId;
      if (typeof accountId === 'string') this.built.delete(accountId);
    });
    // Changes announced while the bus was away were missed: every index is built again.
    this.offReconnect = this.bus.onReconnect(() => this.built.clear());
  }

  async stop(): Promise<void> {
    this.offReconnect?.();
    await this.unsubscribe?.();
  }

  /** An account's articles changed (here): drop its index here and on every other node. */
  async changed(accountId: string): Promise<void> {
    this.built.delete(accountId);
    await this.bus
      .publish(KNOWLEDGE_CHANGED, { accountId })
      .catch((err) => this.log.warn({ err, accountId }, 'knowledge change not announced'));
  }

  private index(accountId: string): Promise<Built> {
    const have = this.built.get(accountId);
    if (have) return have;
    const building = this.build(accountId);
    this.built.set(accountId, building);
    building
      .then((b) => {
        const timer = setTimeout(
          () => {
            if (this.built.get(accountId) === building) this.built.delete(accountId);
          },
          INDEX_TTL_MS - (Date.now() - b.at),
        );
        timer.unref();
      })
      .catch(() => this.built.delete(accountId));
    return building;
  }

  private async build(accountId: string): Promise<Built> {
    const list = await this.store.knowledge.list(accountId);
    const index = new MiniSearch<KnowledgeArticle>({
      fields: ['title', 'body', 'tagText'],
      extractField: (doc, field) =>
        field === 'tagText' ? doc.tags.join(' ') : (doc as unknown as Record<string, string>)[field]!,
      processTerm: termOf,
      searchOptions: {
        boost: { title: 2, tagText: 1.5 },
        prefix: (term) => term.length >= 4,
        fuzzy: (term) => (term.length >= 6 ? 0.2 : false),
        processTerm: termOf,
      },
    });
    index.addAll(list);
    return { index, articles: new Map(list.map((a) => [a.id, a])), at: Date.now() };
  }

  /** The articles a question finds, best first, each with its confidence and an excerpt. */
  async search(accountId: string, question: string, limit = 5): Promise<ArticleMatch[]> {
    const terms = questionTerms(question);
    if (terms.length === 0) return [];
    const { index, articles } = await this.index(accountId);
    return index
      .search(terms.join(' '))
      .slice(0, limit)
      .map((r) => {
        const article = articles.get(r.id as string)!;
        const matched = new Set(r.queryTerms);
        return {
          article,
          score: r.score,
          confidence: Math.round((matched.size / terms.length) * 100) / 100,
          excerpt: excerptOf(article.body, r.terms),
        };
      });
  }
}

/** The sentence of the body holding most of the matched words (whole, or cut at a word), for the answer. */
export function excerptOf(body: string, terms: readonly string[]): string {
  const sentences = body
    .split(/(?<=[.!?])\s+|\n+/)
    .map((s) => s.trim())
    .filter(Boolean);
  let best = sentences[0] ?? '';
  let bestHits = -1;
  for (const s of sentences) {
    const lower = s.toLowerCase();
    const hits = terms.filter((t) => lower.includes(t)).length;
    if (hits > bestHits) {
      best = s;
      bestHits = hits;
    }
  }
  if (best.length <= EXCERPT_CHARS) return best;
  const cut = best.slice(0, EXCERPT_CHARS);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), EXCERPT_CHARS / 2))}…`;
}
