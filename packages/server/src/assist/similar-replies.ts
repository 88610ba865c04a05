import MiniSearch from 'minisearch';
import { questionTerms, termOf } from '../bots/knowledge-index.ts';
import type { Store } from '../store/store.ts';

/** How many of the latest resolved conversations are searched. */
const CONVERSATIONS = 300;
/** How long an account's index is used before it is built again (ms). */
const TTL_MS = 60_000;
/** The longest reply suggested (characters). */
const REPLY_CHARS = 1000;

interface Pair {
  id: number;
  question: string;
  reply: string;
}

interface Built {
  index: MiniSearch<Pair>;
  pairs: Pair[];
  at: number;
}

/** One reply found: the agent's answer to a line like the customer's, and how much of it matched (0–1). */
export interface SimilarReply {
  text: string;
  confidence: number;
}

/**
 * The agents' replies in similar resolved conversations: each customer line of the latest closed
 * conversations, paired with the agent's next reply, in a BM25 index per account (MiniSearch),
 * rebuilt from the store after a minute. Searching needs no model.
 */
export class SimilarReplies {
  private readonly built = new Map<string, Promise<Built>>();

  constructor(private readonly store: Store) {}

  private index(accountId: string): Promise<Built> {
    const had = this.built.get(accountId);
    if (had) return had;
    const building = this.build(accountId);
    this.built.set(accountId, building);
    building.then(
      (b) => {
        setTimeout(
          () => {
            if (this.built.get(accountId) === building) this.built.delete(accountId);
          },
          TTL_MS - (Date.now() - b.at),
        ).unref();
      },
      () => this.built.delete(accountId),
    );
    return building;
  }

  private async build(accountId: string): Promise<Built> {
    const db = this.store.db;
    const closed = db
      .selectFrom('conversations')
      .select('id')
      .where('account_id', '=', accountId)
      .where('status', '=', 'closed')
      .orderBy('closed_at', 'desc')
      .limit(CONVERSATIONS);
    const rows = await db
      .selectFrom('messages')
      .select(['conversation_id', 'seq', 'sender_kind', 'body'])
      .where('account_id', '=', accountId)
      .where('conversation_id', 'in', closed)
      .where('sender_kind', 'in', ['visitor', 'agent'])
      .orderBy('conversation_id')
      .orderBy('seq')
      .execute();
    const pairs: Pair[] = [];
    // The customer's lines since the agent last spoke, in the conversation being read.
    let asked = '';
    let where = '';
    for (const r of rows) {
      if (r.conversation_id !== where) {
        where = r.conversation_id;
        asked = '';
      }
      if (r.sender_kind === 'visitor') asked = asked ? `${asked} ${r.body}` : r.body;
      else if (asked && r.body.trim()) {
        pairs.push({ id: pairs.length, question: asked, reply: r.body.slice(0, REPLY_CHARS) });
        asked = '';
      }
    }
    const index = new MiniSearch<Pair>({
      fields: ['question'],
      storeFields: [],
      processTerm: termOf,
      searchOptions: {
        prefix: (t) => t.length >= 4,
        fuzzy: (t) => (t.length >= 6 ? 0.2 : false),
        processTerm: termOf,
      },
    });
    index.addAll(pairs);
    return { index, pairs, at: Date.now() };
  }

  /** Replies to lines like `question`, best first, each a distinct text. */
  async search(accountId: string, question: string, limit = 3): Promise<SimilarReply[]> {
    const terms = questionTerms(question);
    if (terms.length === 0) return [];
    const { index, pairs } = await this.index(accountId);
    const seen = new Set<string>();
    const out: SimilarReply[] = [];
    for (const r of index.search(terms.join(' '))) {
      const reply = pairs[r.id as number]!.reply;
      if (seen.has(reply)) continue;
      seen.add(reply);
      out.push({ text: reply, confidence: new Set(r.queryTerms).size / terms.length });
      if (out.length >= limit) break;
    }
    return out;
  }

  /** Drops an account's index (a conversation was resolved: its replies count from the next search). */
  forget(accountId: string): void {
    this.built.delete(accountId);
  }
}
