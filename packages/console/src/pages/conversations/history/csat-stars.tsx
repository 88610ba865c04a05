import { useT } from '../../../i18n/language-context.tsx';

/** A CSAT score as five stars, with the number for screen readers. */
export function CsatStars({ score }: { score: number | null }) {
  const t = useT();
  if (score === null) return <span className="muted">—</span>;
  return (
    <span
      className="stars"
      role="img"
      aria-label={t('{score} out of 5', { score })}
      title={t('{score} out of 5', { score })}
    >
      {[1, 2, 3, 4, 5].map((n) => (
        <span key={n} className={n <= score ? 'star star-on' : 'star'} aria-hidden="true">
          ★
        </span>
      ))}
    </span>
  );
}
