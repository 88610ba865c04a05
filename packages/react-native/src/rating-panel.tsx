import { useState } from 'react';
import { Pressable, StyleSheet, Text, TextInput, View } from 'react-native';
import { useBeckonUI } from './beckon-ui.tsx';

const LABELS = ['Very poor', 'Poor', 'OK', 'Good', 'Excellent'];

export interface RatingPanelProps {
  agentName?: string | null;
  /** Already rated (or skipped): the thanks show instead. */
  done: boolean;
  onRate(score: number, comment?: string): Promise<void>;
  onSkip(): void;
}

/** After the chat ends: five stars, an optional comment, then thanks. */
export function RatingPanel({ agentName, done, onRate, onSkip }: RatingPanelProps) {
  const { theme, t } = useBeckonUI();
  const { colors, fonts, radius } = theme;
  const [score, setScore] = useState(0);
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState(false);
  const text = { fontFamily: fonts.regular, color: colors.text };
  if (done) {
    return (
      <View style={[styles.panel, { backgroundColor: colors.surface, borderTopColor: colors.border }]}>
        <Text role="status" style={[styles.thanks, text, { fontFamily: fonts.bold }]}>
          {t('Thanks for your feedback!')}
        </Text>
      </View>
    );
  }
  const submit = () => {
    if (!score || busy) return;
    setBusy(true);
    setFailed(false);
    onRate(score, comment.trim() || undefined).catch(() => {
      setBusy(false);
      setFailed(true);
    });
  };
  return (
    <View
      role="form"
      aria-label={t('How was your chat?')}
      style={[styles.panel, { backgroundColor: colors.surface, borderTopColor: colors.border }]}
    >
      <Text style={[styles.question, text, { fontFamily: fonts.bold, fontSize: fonts.size + 1 }]}>
        {agentName ? t('How was your chat with {name}?', { name: agentName }) : t('How was your chat?')}
      </Text>
      <View role="radiogroup" style={styles.stars}>
        {LABELS.map((label, i) => (
          <Pressable
            key={label}
            role="radio"
            aria-checked={score === i + 1}
            aria-label={t('{n} of 5: {label}', { n: i + 1, label: t(label) })}
            onPress={() => setScore(i + 1)}
            hitSlop={4}
            style={styles.star}
          >
            <Text style={{ fontSize: 34, color: i < score ? colors.star : colors.border }}>★</Text>
          </Pressable>
        ))}
      </View>
      <Text style={[styles.label, { color: colors.mutedText, fontFamily: fonts.regular }]}>
        {score ? t(LABELS[score - 1]!) : ' '}
      </Text>
      <TextInput
        value={comment}
        onChangeText={setComment}
        placeholder={t('Comment (optional)')}
        placeholderTextColor={colors.mutedText}
        aria-label={t('Comment (optional)')}
        multiline
        maxLength={1000}
        style={[
          styles.comment,
          text,
          { fontSize: fonts.size, backgroundColor: colors.background, borderRadius: radius - 4 },
        ]}
      />
      {failed ? (
        <Text role="alert" style={{ color: colors.danger, marginTop: 6 }}>
          {t('Something went wrong on our side. Please try again.')}
        </Text>
      ) : null}
      <View style={styles.actions}>
        <Pressable onPress={onSkip} role="button" style={styles.skip}>
          <Text style={{ color: colors.mutedText, fontFamily: fonts.bold, fontWeight: '600' }}>
            {t('Skip')}
          </Text>
        </Pressable>
        <Pressable
          onPress={submit}
          disabled={!score || busy}
          role="button"
          style={[
            styles.submit,
            { backgroundColor: colors.primary, borderRadius: radius, opacity: score ? 1 : 0.45 },
          ]}
        >
          <Text style={{ color: colors.onPrimary, fontFamily: fonts.bold, fontWeight: '700' }}>
            {t('Send feedback')}
          </Text>
        </Pressable>
      </View>
    </View>
  );
}

const styles = StyleSheet.create({
  panel: { padding: 16, borderTopWidth: 1 },
  question: { fontWeight: '700', textAlign: 'center' },
  thanks: { fontWeight: '700', textAlign: 'center', paddingVertical: 12 },
  stars: { flexDirection: 'row', justifyContent: 'center', marginTop: 8 },
  star: { paddingHorizontal: 4 },
  label: { textAlign: 'center', fontSize: 13, minHeight: 18 },
  comment: { minHeight: 64, padding: 12, marginTop: 10, outlineStyle: 'none' },
  actions: { flexDirection: 'row', justifyContent: 'flex-end', alignItems: 'center', marginTop: 12 },
  skip: { paddingHorizontal: 14, paddingVertical: 10, marginEnd: 6 },
  submit: { paddingHorizontal: 18, paddingVertical: 10 },
});
