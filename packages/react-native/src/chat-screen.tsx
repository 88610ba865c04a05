import type { IdentifyInput, MessagingClient } from '@beckon/sdk';
import { useRef, useState } from 'react';
import { Pressable, ScrollView, type ScrollViewHandle, StyleSheet, Text, View } from 'react-native';
import { directionOf, useBeckonUI } from './beckon-ui.tsx';
import { Composer } from './composer.tsx';
import { Avatar, CloseIcon } from './icons.tsx';
import { MessageBubble } from './message-bubble.tsx';
import { RatingPanel } from './rating-panel.tsx';
import { TypingIndicator } from './typing-indicator.tsx';
import { type ChatLine, type ChatState, type PhotoPicker, useChat } from './use-chat.ts';

export interface ChatScreenProps {
  /** The app's messaging client (`@beckon/sdk`). */
  client: MessagingClient;
  /** Signs this user in when the screen opens (else call `client.identify` before). */
  user?: IdentifyInput;
  /** Opens the photo library (expo-image-picker, react-native-image-picker…); no picker, no photo button. */
  pickPhoto?: PhotoPicker;
  /** Shows a close button in the header. */
  onClose?: () => void;
  /** The header's title while no agent has joined; default "Chat with us". */
  title?: string;
}

/** What the header says under the title. */
function statusOf(chat: ChatState, t: (en: string, v?: Record<string, string | number>) => string): string {
  const c = chat.conversation;
  if (c?.status === 'closed') return t('Chat ended');
  if (chat.ready && c && chat.connection === 'closed') return t('Reconnecting…');
  if (!chat.ready) return t('Connecting…');
  if (c?.status === 'queued' || c?.status === 'offered')
    return c.queuePosition
      ? t('Waiting for an agent — you are number {n} in line', { n: c.queuePosition })
      : t('Waiting for an agent…');
  return t('Online now');
}

/** The receipt under each of the user's lines: "Seen" under the last one the agent read, "Sending…" while on its way. */
function receipts(lines: ChatLine[], agentReadSeq: number, t: (en: string) => string): Map<string, string> {
  const out = new Map<string, string>();
  let lastSeen: ChatLine | undefined;
  for (const l of lines) {
    if (l.message.senderKind !== 'visitor') continue;
    if (l.status === 'sending') out.set(l.key, t('Sending…'));
    else if (l.message.seq !== null && l.message.seq <= agentReadSeq) lastSeen = l;
  }
  if (lastSeen) out.set(lastSeen.key, t('Seen'));
  return out;
}

/**
 * A full chat screen: header with the agent and the chat's state, the thread with photos, typing
 * and read receipts, the composer with the photo button, and the rating once the chat has ended.
 */
export function ChatScreen({ client, user, pickPhoto, onClose, title }: ChatScreenProps) {
  const { theme, t, rtl, lang } = useBeckonUI();
  const { colors, fonts } = theme;
  const chat = useChat(client, user);
  const scroll = useRef<ScrollViewHandle>(null);
  const [confirmEnd, setConfirmEnd] = useState(false);
  const [skipped, setSkipped] = useState<string | null>(null);
  const c = chat.conversation;
  const closed = c?.status === 'closed';
  const rated = c?.csatScore != null;
  const askRating = closed && !rated && skipped !== c?.id;
  const seen = receipts(chat.lines, c?.agentReadSeq ?? 0, t);
  const pick =
    pickPhoto && c && !closed
      ? () =>
          void pickPhoto().then(
            (photo) => photo && chat.sendPhoto(photo),
            () => {},
          )
      : undefined;
  return (
    <View
      {...directionOf(rtl)}
      lang={lang}
      testID="beckon-chat"
      style={[styles.screen, directionOf(rtl).style, { backgroundColor: colors.background }]}
    >
      <View style={[styles.header, { backgroundColor: colors.surface, borderBottomColor: colors.border }]}>
        <Avatar name={c?.agentName} color={colors.onPrimary} background={colors.primary} />
        <View style={styles.heading}>
          <Text
            dir={rtl ? 'rtl' : 'ltr'}
            role="heading"
            numberOfLines={1}
            style={[styles.title, { color: colors.text, fontFamily: fonts.bold, fontSize: fonts.size + 2 }]}
          >
            {c?.agentName ?? title ?? t('Chat with us')}
          </Text>
          <View style={styles.statusRow}>
            {c?.status === 'active' && chat.connection === 'open' ? (
              <View style={[styles.online, { backgroundColor: '#22a45d' }]} />
            ) : null}
            <Text
              role="status"
              numberOfLines={1}
              style={{ color: colors.mutedText, fontSize: 12, fontFamily: fonts.regular }}
            >
              {statusOf(chat, t)}
            </Text>
          </View>
        </View>
        {c && !closed ? (
          <Pressable onPress={() => setConfirmEnd(true)} role="button" style={styles.end}>
            <Text style={{ color: colors.primary, fontFamily: fonts.bold, fontWeight: '600' }}>
              {t('End chat')}
            </Text>
          </Pressable>
        ) : null}
        {onClose ? (
          <Pressable onPress={onClose} role="button" aria-label={t('Close')} hitSlop={8} style={styles.close}>
            <CloseIcon color={colors.mutedText} />
          </Pressable>
        ) : null}
      </View>
      <ScrollView
        ref={scroll}
        role="log"
        aria-label={t('Chat with us')}
        style={styles.thread}
        contentContainerStyle={styles.threadContent}
        keyboardShouldPersistTaps="handled"
        onContentSizeChange={() => scroll.current?.scrollToEnd({ animated: true })}
      >
        {chat.lines.map((line) => (
          <MessageBubble
            key={line.key}
            line={line}
            receipt={seen.get(line.key)}
            onRetry={() => chat.retry(line.key)}
          />
        ))}
        {chat.typing && !closed ? (
          <TypingIndicator name={chat.typing.name ?? c?.agentName ?? undefined} />
        ) : null}
      </ScrollView>
      {confirmEnd && !closed ? (
        <View
          role="alertdialog"
          aria-label={t('End this chat?')}
          style={[styles.confirm, { backgroundColor: colors.surface, borderTopColor: colors.border }]}
        >
          <Text style={{ flex: 1, color: colors.text, fontFamily: fonts.bold, fontWeight: '600' }}>
            {t('End this chat?')}
          </Text>
          <Pressable onPress={() => setConfirmEnd(false)} role="button" style={styles.end}>
            <Text style={{ color: colors.mutedText, fontFamily: fonts.bold, fontWeight: '600' }}>
              {t('Keep chatting')}
            </Text>
          </Pressable>
          <Pressable
            onPress={() => {
              setConfirmEnd(false);
              void chat.end().catch(() => {});
            }}
            role="button"
            style={[styles.endNow, { backgroundColor: colors.danger }]}
          >
            <Text style={{ color: '#fff', fontFamily: fonts.bold, fontWeight: '700' }}>{t('End chat')}</Text>
          </Pressable>
        </View>
      ) : null}
      {askRating || (closed && rated) ? (
        <RatingPanel
          agentName={c?.agentName}
          done={rated}
          onRate={chat.rate}
          onSkip={() => setSkipped(c?.id ?? null)}
        />
      ) : null}
      {askRating ? null : <Composer onSend={chat.send} onTyped={chat.typed} onPickPhoto={pick} />}
    </View>
  );
}

const styles = StyleSheet.create({
  screen: { flex: 1 },
  header: {
    flexDirection: 'row',
    alignItems: 'center',
    paddingHorizontal: 14,
    paddingVertical: 12,
    borderBottomWidth: 1,
  },
  heading: { flex: 1, marginHorizontal: 12 },
  title: { fontWeight: '700' },
  statusRow: { flexDirection: 'row', alignItems: 'center', marginTop: 2 },
  online: { width: 8, height: 8, borderRadius: 4, marginEnd: 6 },
  end: { paddingHorizontal: 10, paddingVertical: 8 },
  close: { width: 32, height: 32, alignItems: 'center', justifyContent: 'center', marginStart: 4 },
  thread: { flex: 1 },
  threadContent: { padding: 14, paddingBottom: 18 },
  confirm: { flexDirection: 'row', alignItems: 'center', padding: 12, borderTopWidth: 1 },
  endNow: { paddingHorizontal: 14, paddingVertical: 9, borderRadius: 10, marginStart: 4 },
});
