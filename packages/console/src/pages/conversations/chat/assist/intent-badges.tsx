/** The chat header's intent and sentiment badges (agent assist); loaded with the first chat opened. */
import { useEffect, useState } from 'react';
import { type Classification, getClassification } from '../../../../api/classification.ts';
import { sentimentLabel } from '../../../../components/sentiment.ts';
import { useT } from '../../../../i18n/language-context.tsx';
import './intent-badges.css';

/** How long after a customer's line the classification is read again (ms): the server classifies beside the chat. */
const AFTER_LINE_MS = 1500;

export default function IntentBadges({
  conversationId,
  lastCustomerSeq,
}: {
  conversationId: string;
  /** The sequence number of the customer's latest line. */
  lastCustomerSeq: number;
}) {
  const t = useT();
  const [c, setC] = useState<Classification | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a customer's new line reads it again.
  useEffect(() => {
    let live = true;
    const read = () =>
      getClassification(conversationId).then(
        (next) => live && setC(next),
        () => {},
      );
    // Read now when nothing is shown yet, and again once the server had time to classify the line.
    if (!c) read();
    const timer = setTimeout(read, AFTER_LINE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [conversationId, lastCustomerSeq]);
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
