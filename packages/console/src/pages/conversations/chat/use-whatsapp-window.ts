import { useEffect, useState } from 'react';
import { getWhatsAppWindow, type WhatsAppWindow } from '../../../api/whatsapp.ts';
import { t } from '../../../i18n/i18n.ts';
import type { ChatView } from '../../../workspace/workspace-state.ts';
import { useNow } from '../../visitors/use-live.ts';

/** What a WhatsApp chat may send now: free text while the window is open, else approved templates. */
export interface WindowState {
  loading: boolean;
  failed: string | null;
  info: WhatsAppWindow | null;
  /** Free text is allowed now. */
  open: boolean;
  /** Milliseconds until it closes, while open. */
  leftMs: number;
  reload: () => void;
}

/**
 * The service window of a WhatsApp chat, read again whenever the customer writes (their message
 * opens it for 24 hours) and closed on time by the clock. Null for other channels.
 */
export function useWhatsAppWindow(chat: ChatView): WindowState | null {
  const c = chat.conversation;
  const whatsapp = c.channel === 'whatsapp';
  const lastCustomerSeq = chat.messages.findLast((m) => m.senderKind === 'visitor')?.seq ?? 0;
  const [info, setInfo] = useState<WhatsAppWindow | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const [round, setRound] = useState(0);
  const now = useNow(30_000);

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new customer message (lastCustomerSeq) or a reload reads it again.
  useEffect(() => {
    if (!whatsapp) return;
    let live = true;
    getWhatsAppWindow(c.id)
      .then((w) => {
        if (!live) return;
        setInfo(w);
        setFailed(null);
      })
      .catch((error: unknown) => {
        if (live) setFailed(error instanceof Error ? error.message : t('The templates could not be read.'));
      });
    return () => {
      live = false;
    };
  }, [whatsapp, c.id, lastCustomerSeq, round]);

  if (!whatsapp) return null;
  const closes = info?.windowClosesAt ? Date.parse(info.windowClosesAt) : 0;
  return {
    loading: info === null && failed === null,
    failed,
    info,
    open: closes > now,
    leftMs: Math.max(0, closes - now),
    reload: () => setRound((r) => r + 1),
  };
}

/** "21 h left", "45 min left": how long free text stays allowed. */
export function windowLeft(ms: number): string {
  const minutes = Math.ceil(ms / 60_000);
  if (minutes >= 120) return t('{hours} h left', { hours: Math.floor(minutes / 60) });
  if (minutes >= 60) return t('1 h {minutes} min left', { minutes: minutes - 60 });
  return t('{minutes} min left', { minutes });
}
