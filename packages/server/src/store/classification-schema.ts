/** A conversation's intent and sentiment (migration 0076). */
export interface ConversationClassificationsTable {
  conversation_id: string;
  account_id: string;
  /** One of the admin's intents, or null. */
  intent: string | null;
  /** positive, neutral or negative, or null. */
  sentiment: string | null;
  /** model or rules. */
  source: string;
  /** done, or why the model gave no value (timeout, down, garbage, too_long). */
  state: string;
  customer_lines: number;
  updated_at: number;
}
