import type { AppEngagement } from '@beckon/sdk';
import { Pressable, StyleSheet, Text, View } from 'react-native';
import { directionOf, useBeckonUI } from './beckon-ui.tsx';
import { campaignText } from './campaign-text.ts';
import { Avatar, CloseIcon } from './icons.tsx';
import { cardShadow, PrimaryButton } from './primary-button.tsx';

export interface InvitationBannerProps {
  /** A `chat_invitation`, `chat_button`, `call`, `callback` or `offline_message` engagement. */
  engagement: AppEngagement;
  /** The user took it (open the chat, start the call…); report it with `tracker.accept`. */
  onAccept(): void;
  /** The user closed it; report it with `tracker.decline`. */
  onDecline(): void;
}

/** The button's phrase per engagement type, when the campaign names none. */
const ACTION: Record<string, string> = {
  chat_invitation: 'Start chat',
  chat_button: 'Chat with us',
  offline_message: 'Leave a message',
  call: 'Call us',
  callback: 'Call me back',
};

/**
 * An invitation from a campaign, as a card at the bottom of the app's screen: who invites, the
 * campaign's words in the user's language, and two answers. Announced politely to screen readers.
 */
export function InvitationBanner({ engagement, onAccept, onDecline }: InvitationBannerProps) {
  const { theme, t, lang, rtl } = useBeckonUI();
  const { colors, fonts, radius } = theme;
  const type = engagement.engagement.type;
  const message =
    campaignText(engagement, 'message', lang) ?? (type === 'chat_button' ? undefined : t('How can we help?'));
  const action = campaignText(engagement, 'label', lang) ?? t(ACTION[type] ?? 'Start chat');
  const who = engagement.agentName ?? t('Chat with us');
  return (
    <View
      {...directionOf(rtl)}
      role="alertdialog"
      aria-label={who}
      aria-live="polite"
      testID="beckon-invitation"
      style={[
        styles.card,
        directionOf(rtl).style,
        { backgroundColor: colors.surface, borderRadius: radius, borderColor: colors.border },
      ]}
    >
      <View style={styles.top}>
        <Avatar name={engagement.agentName} color={colors.onPrimary} background={colors.primary} />
        <View style={styles.words}>
          <Text
            dir={rtl ? 'rtl' : 'ltr'}
            style={[styles.who, { color: colors.text, fontFamily: fonts.bold, fontSize: fonts.size }]}
          >
            {who}
          </Text>
          <Text style={[styles.online, { color: colors.mutedText, fontFamily: fonts.regular }]}>
            {t('Online now')}
          </Text>
        </View>
        <Pressable
          onPress={onDecline}
          role="button"
          aria-label={t('Close')}
          hitSlop={10}
          style={({ pressed }) => [styles.close, { opacity: pressed ? 0.5 : 1 }]}
        >
          <CloseIcon color={colors.mutedText} size={12} />
        </Pressable>
      </View>
      {message ? (
        <Text
          style={[
            styles.message,
            {
              color: colors.text,
              fontFamily: fonts.regular,
              fontSize: fonts.size + 1,
              lineHeight: fonts.size * 1.45,
            },
          ]}
        >
          {message}
        </Text>
      ) : null}
      <View style={styles.actions}>
        <Pressable
          onPress={onDecline}
          role="button"
          style={({ pressed }) => [styles.secondary, { borderRadius: radius, opacity: pressed ? 0.6 : 1 }]}
        >
          <Text
            style={{
              color: colors.mutedText,
              fontFamily: fonts.bold,
              fontSize: fonts.size,
              fontWeight: '600',
            }}
          >
            {t('Not now')}
          </Text>
        </Pressable>
        <PrimaryButton label={action} onPress={onAccept} />
      </View>
    </View>
  );
}

const styles = StyleSheet.create({
  card: {
    marginHorizontal: 12,
    padding: 16,
    ...cardShadow,
  },
  top: { flexDirection: 'row', alignItems: 'center' },
  words: { flex: 1, marginHorizontal: 12 },
  who: { fontWeight: '700' },
  online: { fontSize: 12, marginTop: 2 },
  close: { width: 28, height: 28, alignItems: 'center', justifyContent: 'center', alignSelf: 'flex-start' },
  message: { marginTop: 12 },
  actions: { flexDirection: 'row', justifyContent: 'flex-end', marginTop: 16 },
  secondary: { paddingHorizontal: 16, paddingVertical: 10, marginEnd: 8 },
});
