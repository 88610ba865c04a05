import { SEARCH_SUGGESTIONS, type Suggestion } from '@beckon/protocol/assist-api';
import type { CannedResponse } from '@beckon/protocol/canned-responses';
import type { KnowledgeIndex } from '../bots/knowledge-index.ts';
import { questionTerms } from '../bots/knowledge-index.ts';
import type { Store } from '../store/store.ts';
import type { SimilarReplies } from './similar-replies.ts';

/** How long an account's canned responses are used before they are read again (ms). */
const CANNED_TTL_MS = 10_000;
/** A candidate must hold at least this share of the line's content words. */
const MIN_CONFIDENCE = 0.25;
/** The longest knowledge suggestion (characters): the article's best sentence, not the article. */
const KNOWLEDGE_CHARS = 600;

interface Candidate extends Suggestion {
  confidence: number;
}

/** The share of `terms` found among the words of `text`. */
function share(terms: readonly string[], text: string): number {
  const words = new Set(questionTerms(text));
  let hit = 0;
  for (const t of terms) if (words.has(t) || [...words].some((w) => w.length >= 4 && w.startsWith(t))) hit++;
  return terms.length ? hit / terms.length : 0;
}

/**
 * Up to three suggestions for a customer's line, by search and without a model: the knowledge
 * base's best sentences, canned responses, and the replies of similar resolved conversations.
 * Each candidate's confidence is the share of the line's content words it matched; the best three
 * distinct texts win, ties to knowledge, then canned, then similar.
 */
export class SuggestionSearch {
  private readonly canned = new Map<string, { at: number; list: Promise<CannedResponse[]> }>();

  constructor(
    private readonly store: Store,
    private readonly knowledge: KnowledgeIndex | undefined,
    private readonly similar: SimilarReplies,
  ) {}

  private cannedOf(accountId: string): Promise<CannedResponse[]> {
    const had = this.canned.get(accountId);
    if (had && Date.now() - had.at < CANNED_TTL_MS) return had.list;
    const list = this.store.cannedResponses.list(accountId);
    this.canned.set(accountId, { at: Date.now(), list });
    list.catch(() => this.canned.delete(accountId));
    return list;
  }

  /** The suggestions for `line`, best first (at most three). */
  async find(accountId: string, line: string): Promise<Suggestion[]> {
    const terms = questionTerms(line);
    if (terms.length === 0) return [];
    const [articles, canned, similar] = await Promise.all([
      this.knowledge?.search(accountId, line, 3) ?? [],
      this.cannedOf(accountId),
      this.similar.search(accountId, line, 3),
    ]);
    const candidates: Candidate[] = [];
    for (const m of articles)
      candidates.push({
        source: 'knowledge',
        text: m.excerpt.slice(0, KNOWLEDGE_CHARS),
        articleIds: [m.article.id],
        confidence: m.confidence,
      });
    for (const c of canned) {
      const confidence = Math.max(share(terms, `${c.title} ${c.shortcut}`), share(terms, c.text) * 0.9);
      if (confidence > 0) candidates.push({ source: 'canned', text: c.text, confidence });
    }
    for (const s of similar)
      candidates.push({ source: 'similar', text: s.text, confidence: s.confidence * 0.9 });
    const order = { knowledge: 0, canned: 1, similar: 2, model: 3 } as const;
    candidates.sort((a, b) => b.confidence - a.confidence || order[a.source] - order[b.source]);
    const seen = new Set<string>();
    const out: Suggestion[] = [];
    for (const { confidence, ...s } of candidates) {
      if (confidence < MIN_CONFIDENCE || seen.has(s.text)) continue;
      seen.add(s.text);
      out.push(s);
      if (out.length >= SEARCH_SUGGESTIONS) break;
    }
    return out;
  }

  /** Forgets an account's canned responses (they changed). */
  forgetCanned(accountId: string): void {
    this.canned.delete(accountId);
  }
}
