import type { AppEngagement } from '@beckon/sdk';
import { Image, Pressable, StyleSheet, Text, View } from 'react-native';
import { directionOf, useBeckonUI } from './beckon-ui.tsx';
import { campaignText } from './campaign-text.ts';
import { CloseIcon } from './icons.tsx';
import { cardShadow, PrimaryButton } from './primary-button.tsx';

export interface OfferCardProps {
  /** A `content` engagement: title, text, image and a call to action. */
  engagement: AppEngagement;
  /** The user followed the offer: report it with `tracker.accept` and open `url`. */
  onOpen(url: string): void;
  /** The user closed it: report it with `tracker.decline`. */
  onDecline(): void;
}

/** A campaign's content offer as a card: its image, a "Just for you" badge, the words and one button. */
export function OfferCard({ engagement, onOpen, onDecline }: OfferCardProps) {
  const { theme, t, lang, rtl } = useBeckonUI();
  const { colors, fonts, radius } = theme;
  const title = campaignText(engagement, 'title', lang) ?? '';
  const text = campaignText(engagement, 'text', lang);
  const cta = campaignText(engagement, 'ctaLabel', lang) ?? t('Open');
  const image = campaignText(engagement, 'imageUrl', lang);
  const url = campaignText(engagement, 'ctaUrl', lang) ?? '';
  return (
    <View
      {...directionOf(rtl)}
      role="dialog"
      aria-label={title}
      testID="beckon-offer"
      style={[
        styles.card,
        directionOf(rtl).style,
        { backgroundColor: colors.surface, borderRadius: radius, borderColor: colors.border },
      ]}
    >
      {image ? (
        <Image
          source={{ uri: image }}
          alt=""
          resizeMode="cover"
          style={[styles.image, { borderTopLeftRadius: radius, borderTopRightRadius: radius }]}
        />
      ) : (
        <View
          style={[
            styles.band,
            { backgroundColor: colors.primary, borderTopLeftRadius: radius, borderTopRightRadius: radius },
          ]}
        />
      )}
      <View style={styles.body}>
        <View style={[styles.badge, { backgroundColor: `${colors.primary}1a` }]}>
          <Text style={{ color: colors.primary, fontSize: 12, fontWeight: '700', fontFamily: fonts.bold }}>
            {t('Just for you')}
          </Text>
        </View>
        <Text
          role="heading"
          style={[styles.title, { color: colors.text, fontFamily: fonts.bold, fontSize: fonts.size + 4 }]}
        >
          {title}
        </Text>
        {text ? (
          <Text
            style={{
              color: colors.mutedText,
              fontFamily: fonts.regular,
              fontSize: fonts.size,
              lineHeight: fonts.size * 1.45,
            }}
          >
            {text}
          </Text>
        ) : null}
        <PrimaryButton label={cta} onPress={() => onOpen(url)} style={styles.cta} />
      </View>
      <Pressable
        onPress={onDecline}
        role="button"
        aria-label={t('Close')}
        hitSlop={10}
        style={({ pressed }) => [styles.close, image ? styles.onImage : null, { opacity: pressed ? 0.6 : 1 }]}
      >
        <CloseIcon color={image ? '#ffffff' : colors.mutedText} size={12} />
      </Pressable>
    </View>
  );
}

const styles = StyleSheet.create({
  onImage: { backgroundColor: 'rgba(11,18,48,0.45)' },
  card: {
    marginHorizontal: 12,
    ...cardShadow,
    overflow: 'hidden',
  },
  image: { width: '100%', height: 150 },
  band: { height: 6 },
  body: { padding: 16 },
  badge: { alignSelf: 'flex-start', paddingHorizontal: 8, paddingVertical: 3, borderRadius: 999 },
  title: { fontWeight: '800', marginTop: 10, marginBottom: 6 },
  cta: { marginTop: 16, paddingVertical: 12 },
  close: {
    position: 'absolute',
    top: 10,
    end: 10,
    width: 28,
    height: 28,
    borderRadius: 14,
    alignItems: 'center',
    justifyContent: 'center',
  },
});
