import { useState } from 'react';
import { Pressable, StyleSheet, TextInput, View } from 'react-native';
import { useBeckonUI } from './beckon-ui.tsx';
import { PhotoIcon, SendIcon } from './icons.tsx';

export interface ComposerProps {
  onSend(text: string): void;
  onTyped(): void;
  /** Opens the photo library; the button shows only when there is a picker and a conversation. */
  onPickPhoto?: () => void;
}

/** The text box with its photo and send buttons. Enter sends on the web; the keyboard's send key on a phone. */
export function Composer({ onSend, onTyped, onPickPhoto }: ComposerProps) {
  const { theme, t, rtl } = useBeckonUI();
  const { colors, fonts, radius } = theme;
  const [text, setText] = useState('');
  const canSend = text.trim().length > 0;
  const send = () => {
    if (!canSend) return;
    onSend(text);
    setText('');
  };
  return (
    <View style={[styles.bar, { backgroundColor: colors.surface, borderTopColor: colors.border }]}>
      {onPickPhoto ? (
        <Pressable
          onPress={onPickPhoto}
          role="button"
          aria-label={t('Attach a file (images or PDF)')}
          hitSlop={6}
          style={({ pressed }) => [styles.icon, { opacity: pressed ? 0.5 : 1 }]}
        >
          <PhotoIcon color={colors.mutedText} />
        </Pressable>
      ) : null}
      <TextInput
        value={text}
        onChangeText={(v) => {
          setText(v);
          if (v) onTyped();
        }}
        onSubmitEditing={send}
        onKeyPress={(e) => {
          // A hardware or browser keyboard: Enter sends (Shift+Enter is handled as a new line by the platform).
          if (e.nativeEvent.key === 'Enter' && !(e.nativeEvent as { shiftKey?: boolean }).shiftKey) {
            e.preventDefault?.();
            send();
          }
        }}
        placeholder={t('Write a message…')}
        placeholderTextColor={colors.mutedText}
        aria-label={t('Write a message…')}
        multiline
        maxLength={4000}
        submitBehavior="submit"
        enterKeyHint="send"
        style={[
          styles.input,
          {
            color: colors.text,
            fontFamily: fonts.regular,
            fontSize: fonts.size,
            backgroundColor: colors.background,
            borderRadius: radius,
            textAlign: rtl ? 'right' : 'left',
          },
        ]}
      />
      <Pressable
        onPress={send}
        disabled={!canSend}
        role="button"
        aria-label={t('Send message')}
        style={({ pressed }) => [
          styles.send,
          { backgroundColor: colors.primary, opacity: !canSend ? 0.4 : pressed ? 0.8 : 1 },
        ]}
      >
        <SendIcon color={colors.onPrimary} flip={rtl} />
      </Pressable>
    </View>
  );
}

const styles = StyleSheet.create({
  bar: {
    flexDirection: 'row',
    alignItems: 'flex-end',
    paddingHorizontal: 10,
    paddingVertical: 10,
    borderTopWidth: 1,
  },
  icon: { width: 40, height: 42, alignItems: 'center', justifyContent: 'center' },
  input: {
    flex: 1,
    minHeight: 42,
    maxHeight: 120,
    paddingHorizontal: 14,
    paddingTop: 11,
    paddingBottom: 11,
    marginHorizontal: 6,
    outlineStyle: 'none',
  },
  send: { width: 42, height: 42, borderRadius: 21, alignItems: 'center', justifyContent: 'center' },
});
