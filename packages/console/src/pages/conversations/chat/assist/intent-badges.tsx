/** The chat header's intent and sentiment badges (agent assist); loaded with the first chat opened. */
import { useEffect, useState } from 'react';
import { type Classification, getClassification } from '../../../../api/classification.ts';
import { sentimentLabel } from '../../../../components/sentiment.ts';
import { useT } from '../../../../i18n/language-context.tsx';
import './intent-badges.css';

/** How long after a new line the classification is read again (ms): the server classifies beside the chat. */
const AFTER_LINE_MS = 1500;

export default function IntentBadges({
  conversationId,
  lastSeq,
}: {
  conversationId: string;
  lastSeq: number;
}) {
  const t = useT();
  const [c, setC] = useState<Classification | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new line (lastSeq) reads it again.
  useEffect(() => {
    let live = true;
    const read = () =>
      getClassification(conversationId).then(
        (next) => live && setC(next),
        () => {},
      );
    const timer = setTimeout(read, c ? AFTER_LINE_MS : 0);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [conversationId, lastSeq]);
  if (!c) return null;
  const by = c.source === 'model' ? t('Classified by the model') : t('Classified by the example phrases');
  return (
    <>
      {c.intent && (
        <span className="badge badge-intent" title={`${t('Intent')} · ${by}`} data-testid="intent-badge">
          {c.intent}
        </span>
      )}
      {c.sentiment && (
        <span
          className={`badge badge-sentiment badge-sentiment-${c.sentiment}`}
          title={`${t('Sentiment')} · ${by}`}
          data-testid="sentiment-badge"
        >
          {sentimentLabel(c.sentiment)}
        </span>
      )}
    </>
  );
}
