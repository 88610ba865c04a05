/** Sentiments as the console names them (assist's classification, automation conditions, reports). */
import { t } from '../i18n/i18n.ts';

/** The sentiments a conversation may have. */
export const SENTIMENTS = ['positive', 'neutral', 'negative'] as const;

/** A sentiment's name in the console's language. */
export const sentimentLabel = (s: string) =>
  s === 'positive' ? t('positive') : s === 'negative' ? t('negative') : t('neutral');
