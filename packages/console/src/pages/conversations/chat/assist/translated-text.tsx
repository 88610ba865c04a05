/**
 * A line seen through live translation. A customer's line reads in the agent's language, its
 * original one click (or Enter) away; an agent's translated reply shows their words and what the
 * customer was sent. A line that could not be translated shows as written, with why in a few quiet
 * words. Loaded with the first translated line, so the inbox's first load does not carry it.
 */
import type { MessageTranslation } from '@beckon/protocol/assist-api';
import { useState } from 'react';
import type { Message } from '../../../../api/conversations.ts';
import { t } from '../../../../i18n/i18n.ts';
import { useT } from '../../../../i18n/language-context.tsx';
import { MessageText } from '../message-text.tsx';
import { languageName } from './language-name.ts';
import './assist.css';

/** Why a customer's line shows as written. */
function stateLine(tr: MessageTranslation): string | null {
  if (tr.state === 'unknown') return t('Language not recognised: shown as written.');
  if (tr.state === 'down') return t('Translation unavailable: the service is down.');
  if (tr.state === 'timeout') return t('Translation unavailable: the service did not answer in time.');
  if (tr.state === 'garbage' || tr.state === 'too_long')
    return t('Translation unavailable: the service gave no usable translation.');
  return null;
}

export default function TranslatedText({
  message: m,
  translation: tr,
}: {
  message: Message;
  translation: MessageTranslation;
}) {
  useT();
  const [original, setOriginal] = useState(false);
  const language = tr.language ? languageName(tr.language) : '';
  if (tr.state !== 'done' || !tr.text) {
    const why = stateLine(tr);
    return (
      <>
        <p className="msg-text">
          <MessageText text={m.text} />
        </p>
        {why && (
          <p className="msg-translation-state" data-testid="translation-state" data-state={tr.state}>
            {why}
          </p>
        )}
      </>
    );
  }
  if (m.senderKind !== 'visitor') {
    // The agent's own words first; what the customer read below.
    return (
      <>
        <p className="msg-text" data-testid="translation-text">
          <MessageText text={tr.text} />
        </p>
        <div className="msg-translation-sent" data-testid="translation-sent">
          <span className="msg-translation-label">{t('Sent in {language}', { language })}</span>
          <p lang={tr.language ?? undefined}>
            <MessageText text={m.text} />
          </p>
        </div>
      </>
    );
  }
  return (
    <>
      {original ? (
        <p className="msg-text" lang={tr.language ?? undefined} data-testid="translation-original">
          <MessageText text={m.text} />
        </p>
      ) : (
        <p className="msg-text" data-testid="translation-text">
          <MessageText text={tr.text} />
        </p>
      )}
      <p className="msg-translation-meta">
        <span className="msg-translation-label">
          {original
            ? t('Original in {language}', { language })
            : t('Translated from {language}', { language })}
        </span>
        {' · '}
        <button
          type="button"
          className="link-button msg-translation-toggle"
          aria-pressed={original}
          onClick={() => setOriginal((o) => !o)}
          data-testid="translation-toggle"
        >
          {original ? t('Show translation') : t('Show original')}
        </button>
      </p>
    </>
  );
}
