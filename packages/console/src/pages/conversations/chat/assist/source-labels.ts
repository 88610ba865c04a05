/** Where a suggested reply comes from, in the agent's words (the composer and the agents report). */
import type { SuggestionSource } from '@beckon/protocol/assist-api';
import { t } from '../../../../i18n/i18n.ts';

export const sourceLabels = (): Record<SuggestionSource, string> => ({
  knowledge: t('Knowledge base'),
  canned: t('Canned response'),
  similar: t('Similar conversation'),
  model: t('Model'),
});
