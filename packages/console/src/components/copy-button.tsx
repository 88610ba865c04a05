/** Copies text with navigator.clipboard and confirms visibly ("Copied") and to screen readers. */
import { useEffect, useRef, useState } from 'react';
import { useT } from '../i18n/language-context.tsx';
import { CheckIcon, CopyIcon } from './icons.tsx';

interface CopyButtonProps {
  text: string;
  label: string;
  className?: string;
  testId?: string;
}

type CopyState = 'idle' | 'copied' | 'failed';

export function CopyButton({ text, label, className, testId }: CopyButtonProps) {
  const t = useT();
  const [state, setState] = useState<CopyState>('idle');
  const timer = useRef<number | undefined>(undefined);

  useEffect(() => () => window.clearTimeout(timer.current), []);

  async function copy() {
    window.clearTimeout(timer.current);
    try {
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      setState('failed');
    }
    timer.current = window.setTimeout(() => setState('idle'), 2500);
  }

  return (
    <span className="copy-control">
      <button
        type="button"
        className={className ?? 'button button-small'}
        onClick={copy}
        data-testid={testId}
        data-state={state}
      >
        {state === 'copied' ? <CheckIcon className="icon icon-success" /> : <CopyIcon />}
        {state === 'copied' ? t('Copied') : label}
      </button>
      <span className={state === 'failed' ? 'copy-status copy-status-failed' : 'copy-status'} role="status">
        {state === 'copied'
          ? t('Copied to clipboard')
          : state === 'failed'
            ? t('Copy failed — select the text and copy it')
            : ''}
      </span>
    </span>
  );
}
