/**
 * What each open chat remembers while the agent works elsewhere — the unsent draft (text, mode,
 * files) and the scroll position — kept outside the rendered state so typing re-renders nothing else.
 */
import type { Attachment } from '@beckon/protocol/chat-api';

export interface Draft {
  text: string;
  note: boolean;
  /** Files uploaded for the next message. */
  attachments: Attachment[];
}

export class ChatMemory {
  private readonly drafts = new Map<string, Draft>();
  private readonly scrolls = new Map<string, number | 'bottom'>();

  draft(id: string): Draft {
    return this.drafts.get(id) ?? { text: '', note: false, attachments: [] };
  }

  saveDraft(id: string, draft: Draft): void {
    if (!draft.text && !draft.note && draft.attachments.length === 0) this.drafts.delete(id);
    else this.drafts.set(id, draft);
  }

  /** A file finished uploading after the agent left the chat: it waits in the draft. */
  addDraftAttachments(id: string, attachments: Attachment[]): void {
    const draft = this.draft(id);
    this.saveDraft(id, { ...draft, attachments: [...draft.attachments, ...attachments] });
  }

  /** Where the chat was scrolled to; 'bottom' follows new messages. */
  scroll(id: string): number | 'bottom' {
    return this.scrolls.get(id) ?? 'bottom';
  }

  saveScroll(id: string, position: number | 'bottom'): void {
    this.scrolls.set(id, position);
  }

  forget(id: string): void {
    this.drafts.delete(id);
    this.scrolls.delete(id);
  }
}
