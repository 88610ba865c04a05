import type {
  IdentifyInput,
  MessagingAttachment,
  MessagingClient,
  MessagingConversation,
  MessagingMessage,
  UploadBody,
} from '@beckon/sdk';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';

/** A photo the picker returned: its bytes, or a `uri` the UI reads them from (`fetch(uri)`). */
export interface PickedPhoto {
  name: string;
  contentType: string;
  body?: UploadBody;
  uri?: string;
}

/** Opens the photo library; resolves null when the user cancels. Injected (expo-image-picker, a file input…). */
export type PhotoPicker = () => Promise<PickedPhoto | null>;

/** One line of the thread: stored (`sent`), on its way, or refused. */
export interface ChatLine {
  key: string;
  status: 'sent' | 'sending' | 'failed';
  message: Pick<MessagingMessage, 'senderKind' | 'senderName' | 'text' | 'attachments' | 'createdAt'> & {
    seq: number | null;
  };
  /** A local preview of a photo on its way. */
  previewUri?: string;
  /** What failed, as a phrase key (`Not sent`, `That file is too large.`…). */
  error?: string;
}

export interface ChatState {
  lines: ChatLine[];
  conversation: MessagingConversation | null;
  /** Who is typing on the agent's side now, or null. */
  typing: { name?: string } | null;
  connection: 'connecting' | 'open' | 'closed';
  ready: boolean;
  send(text: string): void;
  sendPhoto(photo: PickedPhoto): void;
  retry(key: string): void;
  typed(): void;
  end(): Promise<void>;
  rate(score: number, comment?: string): Promise<void>;
}

const TYPING_SHOWN_MS = 6000;
const TYPING_IDLE_MS = 3000;

const lineOf = (m: MessagingMessage): ChatLine => ({ key: `s${m.seq}`, status: 'sent', message: m });

/** The phrase for a refused upload or send. */
function problemOf(err: unknown): string {
  const status = (err as { status?: number }).status;
  if (status === 413) return 'That file is too large.';
  if (status === 415) return 'That type of file can’t be sent.';
  return 'Not sent';
}

async function bytesOf(photo: PickedPhoto): Promise<UploadBody> {
  if (photo.body) return photo.body;
  if (!photo.uri) throw new Error('the picked photo has neither bytes nor a uri');
  return (await fetch(photo.uri)).blob();
}

/**
 * The chat screen's state over a `MessagingClient`: the thread (history, then live lines, each
 * once), lines on their way with retry, the agent typing, read receipts (`conversation.agentReadSeq`)
 * and the end of the chat. Signs `user` in first when given.
 */
export function useChat(client: MessagingClient, user?: IdentifyInput): ChatState {
  const [lines, setLines] = useState<ChatLine[]>([]);
  const [conversation, setConversation] = useState<MessagingConversation | null>(client.conversation);
  const [typing, setTyping] = useState<{ name?: string } | null>(null);
  const [connection, setConnection] = useState<ChatState['connection']>('closed');
  const [ready, setReady] = useState(false);
  const drafts = useRef(new Map<string, () => Promise<MessagingMessage>>());
  const typingTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const idleTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const counter = useRef(0);
  // The user is signed in once per client: a new user is a new screen.
  const signIn = useRef(user);

  const merge = useCallback((incoming: ChatLine[]) => {
    setLines((prev) => {
      const seqs = new Set(prev.map((l) => l.message.seq));
      const fresh = incoming.filter((l) => !seqs.has(l.message.seq));
      return fresh.length ? [...prev, ...fresh] : prev;
    });
  }, []);

  useEffect(() => {
    let live = true;
    const offs = [
      client.on('message', (m) => merge([lineOf(m)])),
      client.on('conversation', (c) => setConversation({ ...c })),
      client.on('connection', setConnection),
      client.on('typing', (t) => {
        if (typingTimer.current) clearTimeout(typingTimer.current);
        setTyping(t.typing ? { ...(t.name ? { name: t.name } : {}) } : null);
        if (t.typing) typingTimer.current = setTimeout(() => setTyping(null), TYPING_SHOWN_MS);
      }),
    ];
    void (async () => {
      try {
        if (signIn.current) await client.identify(signIn.current);
        const history = await client.history();
        if (!live) return;
        merge(history.map(lineOf));
        setConversation(client.conversation);
      } catch {
        // The thread stays empty; the connection state tells the user.
      }
      if (live) setReady(true);
    })();
    return () => {
      live = false;
      for (const off of offs) off();
      if (typingTimer.current) clearTimeout(typingTimer.current);
      if (idleTimer.current) clearTimeout(idleTimer.current);
    };
  }, [client, merge]);

  // Lines from the agent count as read while the screen shows them.
  const lastAgentSeq = useMemo(
    () =>
      lines.reduce((n, l) => (l.message.senderKind !== 'visitor' && l.message.seq ? l.message.seq : n), 0),
    [lines],
  );
  useEffect(() => {
    if (lastAgentSeq > (conversation?.visitorReadSeq ?? 0)) void client.markRead().catch(() => {});
  }, [client, lastAgentSeq, conversation?.visitorReadSeq]);

  const run = useCallback((key: string) => {
    const attempt = drafts.current.get(key);
    if (!attempt) return;
    setLines((prev) => prev.map((l) => (l.key === key ? { ...l, status: 'sending', error: undefined } : l)));
    attempt().then(
      (m) => {
        drafts.current.delete(key);
        setLines((prev) => {
          const rest = prev.filter((l) => l.key !== key && l.message.seq !== m.seq);
          return [...rest, lineOf(m)];
        });
      },
      (err: unknown) =>
        setLines((prev) =>
          prev.map((l) => (l.key === key ? { ...l, status: 'failed', error: problemOf(err) } : l)),
        ),
    );
  }, []);

  const queue = useCallback(
    (line: Omit<ChatLine, 'key' | 'status'>, attempt: () => Promise<MessagingMessage>) => {
      const key = `p${++counter.current}`;
      drafts.current.set(key, attempt);
      setLines((prev) => [...prev, { ...line, key, status: 'sending' }]);
      run(key);
    },
    [run],
  );

  const stopTyping = useCallback(() => {
    if (idleTimer.current) clearTimeout(idleTimer.current);
    if (idleTimer.current) client.setTyping(false);
    idleTimer.current = null;
  }, [client]);

  const draft = (text: string, attachments: MessagingAttachment[] = []): ChatLine['message'] => ({
    seq: null,
    senderKind: 'visitor',
    senderName: null,
    text,
    attachments,
    createdAt: new Date().toISOString(),
  });

  return {
    lines,
    conversation,
    typing,
    connection,
    ready,
    send: (text) => {
      const clean = text.trim();
      if (!clean) return;
      stopTyping();
      queue({ message: draft(clean) }, () => client.send(clean));
    },
    sendPhoto: (photo) => {
      let uploaded: MessagingAttachment | null = null;
      queue({ message: draft(''), ...(photo.uri ? { previewUri: photo.uri } : {}) }, async () => {
        uploaded ??= await client.upload({
          name: photo.name,
          contentType: photo.contentType,
          body: await bytesOf(photo),
        });
        return client.send('', [uploaded]);
      });
    },
    retry: run,
    typed: () => {
      if (!idleTimer.current) client.setTyping(true);
      else clearTimeout(idleTimer.current);
      idleTimer.current = setTimeout(() => {
        idleTimer.current = null;
        client.setTyping(false);
      }, TYPING_IDLE_MS);
    },
    end: async () => {
      stopTyping();
      setConversation(await client.end());
    },
    rate: async (score, comment) => {
      setConversation(await client.rate(score, comment));
    },
  };
}
