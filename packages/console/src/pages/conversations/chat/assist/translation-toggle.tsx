/**
 * Live translation in the composer: when the customer writes in another language than the
 * agent's, "Send in Spanish" (on by default) sends the reply translated; the agent's words stay in
 * the transcript. Reads the conversation's translations once when the chat opens. Loaded with the
 * first chat opened, so the inbox's first load does not carry it.
 */
import { type Ref, useEffect, useId, useImperativeHandle, useState } from 'react';
import { getTranslations } from '../../../../api/assist.ts';
import { useT } from '../../../../i18n/language-context.tsx';
import { useWorkspace, useWorkspaceStore } from '../../../../workspace/workspace-context.tsx';
import { languageName } from './language-name.ts';
import './assist.css';

/** What the composer asks when it sends: the language to send the reply in, if any. */
export interface TranslationHandle {
  target(): string | undefined;
}

export default function TranslationToggle({
  ref,
  conversationId: id,
  hidden,
}: {
  ref: Ref<TranslationHandle>;
  conversationId: string;
  /** Writing a note: nothing is translated. */
  hidden: boolean;
}) {
  const t = useT();
  const store = useWorkspaceStore();
  const customer = useWorkspace((s) => s.assist[id]?.customerLanguage ?? null, null);
  const agent = useWorkspace((s) => s.assist[id]?.agentLanguage ?? null, null);
  const [on, setOn] = useState(true);
  const inputId = useId();

  useEffect(() => {
    let live = true;
    getTranslations(id).then(
      (list) => {
        if (live) store?.putTranslations(id, list);
      },
      () => {},
    );
    return () => {
      live = false;
    };
  }, [store, id]);

  const target = customer && agent && customer !== agent ? customer : undefined;
  useImperativeHandle(ref, () => ({ target: () => (on ? target : undefined) }), [on, target]);

  if (!target || hidden) return null;
  const language = languageName(target);
  return (
    <label
      className={`assist-translate${on ? ' assist-translate-on' : ''}`}
      htmlFor={inputId}
      title={
        on
          ? t('The customer gets your reply in {language}; you keep your own words.', { language })
          : t('Your reply goes out as you write it.')
      }
      data-testid="translate-toggle"
    >
      <input
        id={inputId}
        type="checkbox"
        checked={on}
        onChange={(e) => setOn(e.target.checked)}
        data-testid="translate-toggle-input"
      />
      <span>{t('Send in {language}', { language })}</span>
    </label>
  );
}
