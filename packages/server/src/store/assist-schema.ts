/** Agent assist tables (migrations 0067, 0068 and 0074). */

export interface AssistSettingsTable {
  account_id: string;
  enabled: number;
  /** An OpenAI-compatible API base, such as `http://127.0.0.1:11434/v1`; empty: no model. */
  base_url: string;
  model: string;
  /** Sent as `Authorization: Bearer …` (sealed at rest); null when the server needs none. */
  api_key: string | null;
  timeout_seconds: number;
  /** `model` or `libretranslate`. */
  translation_provider: string;
  translation_base_url: string | null;
  /** The LibreTranslate server's API key (sealed at rest); null when it needs none. */
  translation_api_key: string | null;
  /** A JSON array of the intents the admin keeps: `{ name, examples }` (or names, as first saved). */
  intents: string;
  /** What the model may be sent text for, comma-separated (`suggestions,summaries,translation,intent`). */
  model_uses: string;
  updated_at: number;
}

export interface AssistSuggestionCountsTable {
  account_id: string;
  agent_id: string;
  /** knowledge, canned, similar or model. */
  source: string;
  /** shown, used, edited or ignored. */
  outcome: string;
  n: number;
}

export interface ConversationSummariesTable {
  conversation_id: string;
  account_id: string;
  text: string;
  /** model or extract. */
  source: string;
  /** The agent who last edited it, or null. */
  edited_by: string | null;
  updated_at: number;
}

/** A line in the agent's language beside a stored line (migration 0074). */
export interface MessageTranslationsTable {
  conversation_id: string;
  seq: number;
  account_id: string;
  /** The language of the stored line's text; null when the detector did not know it. */
  language: string | null;
  agent_language: string;
  /** A customer's line translated, or the agent's words of a reply sent translated; empty on failure. */
  text: string;
  /** done, unknown, down, timeout, garbage or too_long. */
  state: string;
  created_at: number;
}
