/**
 * What the agent did with the suggestions for one customer line, counted for the agents report:
 * each suggestion `shown` once when it appears; on the agent's reply the one they inserted counts
 * `used` (sent unchanged) or `edited` (sent changed), and every other one shown `ignored`. A newer
 * customer line, or the chat ending, settles the older line the same way, with nothing used.
 * Pure bookkeeping: the caller passes what posts a count.
 */
import type { Suggestion, SuggestionOutcome, SuggestionSource } from '@beckon/protocol/assist-api';

export type PostFeedback = (
  conversationId: string,
  source: SuggestionSource,
  outcome: SuggestionOutcome,
) => void;

interface Line {
  seq: number;
  shown: Suggestion[];
  inserted: Suggestion | null;
  settled: boolean;
}

const same = (a: Suggestion, b: Suggestion) => a.source === b.source && a.text === b.text;

export class SuggestionTracker {
  private readonly lines = new Map<string, Line>();

  constructor(private readonly post: PostFeedback) {}

  /** Suggestions on screen for the customer's line `seq`; a line older than the one tracked is dropped. */
  shown(conversationId: string, seq: number, items: readonly Suggestion[]): void {
    const line = this.line(conversationId, seq);
    if (!line || line.settled) return;
    for (const s of items) {
      if (line.shown.some((x) => same(x, s))) continue;
      line.shown.push(s);
      this.post(conversationId, s.source, 'shown');
    }
  }

  /** The agent put a suggestion in the composer to edit or send. */
  inserted(conversationId: string, seq: number, s: Suggestion): void {
    const line = this.line(conversationId, seq);
    if (line && !line.settled) line.inserted = s;
  }

  /** The agent sent a reply: the line is settled. */
  sent(conversationId: string, text: string): void {
    const line = this.lines.get(conversationId);
    if (line && !line.settled) this.settle(conversationId, line, text);
  }

  /** The chat ended (or left this agent): what was shown and not used is ignored. */
  ended(conversationId: string): void {
    const line = this.lines.get(conversationId);
    if (line && !line.settled) this.settle(conversationId, line, null);
    this.lines.delete(conversationId);
  }

  /** Whether the agent already answered the line `seq` (its suggestions are done with). */
  settled(conversationId: string, seq: number): boolean {
    const line = this.lines.get(conversationId);
    return line !== undefined && line.seq === seq && line.settled;
  }

  /** The line `seq` of a conversation, started when new; a newer one settles the one before. */
  private line(conversationId: string, seq: number): Line | undefined {
    const had = this.lines.get(conversationId);
    if (had && had.seq === seq) return had;
    if (had && seq < had.seq) return undefined;
    if (had && !had.settled) this.settle(conversationId, had, null);
    const line: Line = { seq, shown: [], inserted: null, settled: false };
    this.lines.set(conversationId, line);
    return line;
  }

  private settle(conversationId: string, line: Line, reply: string | null): void {
    line.settled = true;
    const used = reply !== null && line.inserted ? line.inserted : null;
    if (used) this.post(conversationId, used.source, reply!.trim() === used.text.trim() ? 'used' : 'edited');
    for (const s of line.shown) if (!used || !same(s, used)) this.post(conversationId, s.source, 'ignored');
  }
}
