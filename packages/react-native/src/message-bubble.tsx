import { Image, Linking, Pressable, StyleSheet, Text, View } from 'react-native';
import { useBeckonUI } from './beckon-ui.tsx';
import type { ChatLine } from './use-chat.ts';

export interface MessageBubbleProps {
  line: ChatLine;
  /** The receipt under the user's line: `Seen`, `Sending…`, or none. */
  receipt?: string;
  onRetry(): void;
}

/** A line of the thread: the user's on the end side in the brand colour, the agent's on the start side. */
export function MessageBubble({ line, receipt, onRetry }: MessageBubbleProps) {
  const { theme, t, rtl } = useBeckonUI();
  const dir = rtl ? 'rtl' : 'ltr';
  const { colors, fonts, radius } = theme;
  const m = line.message;
  if (m.senderKind === 'system') {
    return (
      <Text dir={dir} style={[styles.system, { color: colors.mutedText, fontFamily: fonts.regular }]}>
        {m.text}
      </Text>
    );
  }
  const mine = m.senderKind === 'visitor';
  const bubble = mine
    ? { backgroundColor: colors.primary, borderBottomEndRadius: 4 }
    : {
        backgroundColor: colors.agentBubble,
        borderBottomStartRadius: 4,
        borderWidth: 1,
        borderColor: colors.border,
      };
  const textColor = mine ? colors.onPrimary : colors.agentText;
  const images = m.attachments.filter((a) => a.contentType.startsWith('image/'));
  const files = m.attachments.filter((a) => !a.contentType.startsWith('image/'));
  const hasText = m.text.length > 0;
  return (
    <View
      style={[styles.row, { alignItems: mine ? 'flex-end' : 'flex-start' }]}
      testID={mine ? 'beckon-line-mine' : 'beckon-line-agent'}
    >
      {!mine && m.senderName ? (
        <Text dir={dir} style={[styles.name, { color: colors.mutedText, fontFamily: fonts.regular }]}>
          {m.senderName}
        </Text>
      ) : null}
      <View
        style={[
          styles.bubble,
          { borderRadius: radius, opacity: line.status === 'sending' ? 0.75 : 1 },
          bubble,
          !hasText && (images.length > 0 || line.previewUri) ? styles.photoOnly : null,
        ]}
      >
        {line.previewUri && images.length === 0 ? (
          <Image
            source={{ uri: line.previewUri }}
            alt=""
            style={[styles.photo, { borderRadius: radius - 4 }]}
          />
        ) : null}
        {images.map((a) => (
          <Pressable
            key={a.id}
            role="link"
            aria-label={t('Open image {name} full size', { name: a.name })}
            onPress={() => void Linking.openURL(a.url)}
          >
            <Image
              source={{ uri: a.url }}
              alt={a.name}
              resizeMode="cover"
              style={[styles.photo, { borderRadius: radius - 4 }]}
            />
          </Pressable>
        ))}
        {files.map((a) => (
          <Pressable key={a.id} role="link" onPress={() => void Linking.openURL(a.url)} style={styles.file}>
            <Text style={{ color: textColor, fontFamily: fonts.bold, fontWeight: '600' }}>
              {t('File')}: {a.name}
            </Text>
          </Pressable>
        ))}
        {hasText ? (
          <Text
            selectable
            style={{
              color: textColor,
              fontFamily: fonts.regular,
              fontSize: fonts.size,
              lineHeight: fonts.size * 1.4,
            }}
          >
            {m.text}
          </Text>
        ) : null}
      </View>
      {line.status === 'failed' ? (
        <Pressable onPress={onRetry} role="button" style={styles.receipt}>
          <Text style={{ color: colors.danger, fontSize: 12, fontFamily: fonts.regular }}>
            {t(line.error ?? 'Not sent')} · <Text style={{ fontWeight: '700' }}>{t('Retry')}</Text>
          </Text>
        </Pressable>
      ) : receipt ? (
        <Text dir={dir} style={[styles.receipt, { color: colors.mutedText, fontFamily: fonts.regular }]}>
          {receipt}
        </Text>
      ) : null}
    </View>
  );
}

const styles = StyleSheet.create({
  row: { marginVertical: 3 },
  name: { fontSize: 12, marginBottom: 3, marginHorizontal: 6 },
  bubble: { maxWidth: '80%', paddingHorizontal: 14, paddingVertical: 9 },
  photoOnly: { paddingHorizontal: 4, paddingVertical: 4 },
  photo: { width: 200, height: 150, marginVertical: 2 },
  file: { paddingVertical: 4 },
  receipt: { fontSize: 12, marginTop: 3, marginHorizontal: 6 },
  system: { alignSelf: 'center', fontSize: 12, marginVertical: 10, textAlign: 'center' },
});
