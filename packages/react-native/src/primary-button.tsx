import { Pressable, type StyleProp, Text, type ViewStyle } from 'react-native';
import { useBeckonUI } from './beckon-ui.tsx';

/** The one filled button of a card, in the brand colour. */
export function PrimaryButton({
  label,
  onPress,
  style,
}: {
  label: string;
  onPress(): void;
  style?: StyleProp<ViewStyle>;
}) {
  const { colors, fonts, radius } = useBeckonUI().theme;
  return (
    <Pressable
      onPress={onPress}
      role="button"
      style={({ pressed }) => [
        { paddingHorizontal: 20, paddingVertical: 10, alignItems: 'center' },
        style,
        { backgroundColor: colors.primary, borderRadius: radius, opacity: pressed ? 0.85 : 1 },
      ]}
    >
      <Text
        style={{ color: colors.onPrimary, fontFamily: fonts.bold, fontSize: fonts.size, fontWeight: '700' }}
      >
        {label}
      </Text>
    </Pressable>
  );
}

/** The raised look of a card over the app's screen. */
export const cardShadow = {
  borderWidth: 1,
  shadowColor: '#0b1230',
  shadowOpacity: 0.16,
  shadowRadius: 24,
  shadowOffset: { width: 0, height: 10 },
  elevation: 8,
} as const;
