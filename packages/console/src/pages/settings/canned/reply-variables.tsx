/** The variables a saved reply may use, as buttons that insert them at the caret, and its preview. */
import { expandCannedText } from '@beckon/protocol/canned-text';
import { useRef } from 'react';
import { useT } from '../../../i18n/language-context.tsx';
import { useSession } from '../../../session/session-context.tsx';

const VARIABLES = ['{visitor.name}', '{visitor.email}', '{agent.name}', '{agent.firstName}'];

/** A text area's ref and a way to insert a variable at its caret. */
export function useVariableInsert(text: string, setText: (next: string) => void) {
  const ref = useRef<HTMLTextAreaElement>(null);
  function insert(variable: string) {
    const el = ref.current;
    const at = el?.selectionStart ?? text.length;
    const end = el?.selectionEnd ?? at;
    setText(text.slice(0, at) + variable + text.slice(end));
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(at + variable.length, at + variable.length);
    });
  }
  return { ref, insert };
}

/** The variable buttons, then the text as a visitor named Maria Gonzales would read it. */
export function ReplyVariables({
  text,
  onInsert,
  testId,
}: {
  text: string;
  onInsert: (variable: string) => void;
  testId: string;
}) {
  const t = useT();
  const { user } = useSession();
  const preview = expandCannedText(text.trim(), {
    visitor: { name: 'Maria Gonzales', email: 'maria@example.com' },
    agent: { name: user.name },
  });
  return (
    <>
      <div className="variable-row">
        <span className="field-label">{t('Insert a variable')}</span>
        <span className="chips">
          {VARIABLES.map((v) => (
            <button key={v} type="button" className="chip chip-button mono" onClick={() => onInsert(v)}>
              {v}
            </button>
          ))}
        </span>
      </div>
      {preview && (
        <div className="canned-preview-box" data-testid={testId}>
          <span className="field-label">{t('Preview (for a visitor named Maria Gonzales)')}</span>
          <p className="canned-preview-text">{preview}</p>
        </div>
      )}
    </>
  );
}
