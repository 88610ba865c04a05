import { useEffect, useRef } from 'react';
import { AccessibilityInfo, Animated, StyleSheet, Text, View } from 'react-native';
import { useBeckonUI } from './beckon-ui.tsx';

/** Three pulsing dots in an agent bubble, and who is typing for screen readers (still when motion is reduced). */
export function TypingIndicator({ name }: { name?: string }) {
  const { theme, t, rtl } = useBeckonUI();
  const { colors, radius, fonts } = theme;
  const dots = useRef([new Animated.Value(0.35), new Animated.Value(0.35), new Animated.Value(0.35)]).current;
  useEffect(() => {
    let loop: Animated.CompositeAnimation | null = null;
    let live = true;
    void AccessibilityInfo.isReduceMotionEnabled()
      .catch(() => false)
      .then((reduce) => {
        if (reduce || !live) return;
        loop = Animated.loop(
          Animated.stagger(
            160,
            dots.map((d) =>
              Animated.sequence([
                Animated.timing(d, { toValue: 1, duration: 320, useNativeDriver: true }),
                Animated.timing(d, { toValue: 0.35, duration: 320, useNativeDriver: true }),
              ]),
            ),
          ),
        );
        loop.start();
      });
    return () => {
      live = false;
      loop?.stop();
    };
  }, [dots]);
  const who = name ?? t('Agent');
  return (
    <View style={styles.row} testID="beckon-typing">
      <View
        role="status"
        aria-label={t('{name} is typing…', { name: who })}
        style={[
          styles.bubble,
          { backgroundColor: colors.agentBubble, borderColor: colors.border, borderRadius: radius },
        ]}
      >
        {dots.map((d, i) => (
          <Animated.View
            // biome-ignore lint/suspicious/noArrayIndexKey: three fixed dots
            key={i}
            style={[styles.dot, { backgroundColor: colors.mutedText, opacity: d }]}
          />
        ))}
      </View>
      <Text
        dir={rtl ? 'rtl' : 'ltr'}
        style={[styles.caption, { color: colors.mutedText, fontFamily: fonts.regular }]}
      >
        {t('{name} is typing…', { name: who })}
      </Text>
    </View>
  );
}

const styles = StyleSheet.create({
  row: { alignItems: 'flex-start', marginVertical: 4 },
  bubble: {
    flexDirection: 'row',
    borderWidth: 1,
    borderBottomStartRadius: 4,
    paddingHorizontal: 14,
    paddingVertical: 12,
  },
  dot: { width: 7, height: 7, borderRadius: 4, marginHorizontal: 2 },
  caption: { fontSize: 12, marginTop: 3, marginHorizontal: 6 },
});
