/** The tables of agent bots and the answer bot's knowledge base (migration 0032). */

/** A member of an account that is a bot: answered by a webhook, a socket, or the built-in answer bot. */
export interface BotsTable {
  id: string;
  account_id: string;
  name: string;
  kind: 'webhook' | 'socket' | 'answer';
  /** Where a webhook bot is posted the visitor's lines; null for the other kinds. */
  url: string | null;
  /** The `whsec_` secret its posts are signed with (sealed at rest). */
  secret: string;
  /** sha256 of the bot's token (REST and socket); the token itself is shown once. */
  token_hash: string;
  token_prefix: string;
  /** How long the bot may take to answer a visitor's line before the conversation is handed over. */
  timeout_seconds: number;
  /** The answer bot's confidence threshold (0–1): below it, it hands over. */
  threshold: number;
  created_at: number;
  updated_at: number;
}

/** An article of the account's knowledge base, which the answer bot answers from. */
export interface KnowledgeArticlesTable {
  id: string;
  account_id: string;
  title: string;
  body: string;
  /** JSON array of strings. */
  tags: string;
  /** A BCP 47 tag such as `en` or `fr-CA`. */
  language: string;
  /** Where the article is published, if anywhere (the answer links to it). */
  url: string | null;
  created_at: number;
  updated_at: number;
}

/** An account's generated answers for the answer bot (migration 0040); no row: off. */
export interface AnswerGenerationTable {
  account_id: string;
  enabled: number;
  /** An OpenAI-compatible API base, such as `http://127.0.0.1:11434/v1`. */
  base_url: string;
  model: string;
  /** Sent as `Authorization: Bearer …` (sealed at rest); null when the server needs none. */
  api_key: string | null;
  timeout_seconds: number;
  updated_at: number;
}
