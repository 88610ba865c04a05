/** A CSAT score as five stars, with the number for screen readers. */
export function CsatStars({ score }: { score: number | null }) {
  if (score === null) return <span className="muted">—</span>;
  return (
    <span className="stars" role="img" aria-label={`${score} out of 5`} title={`${score} out of 5`}>
      {[1, 2, 3, 4, 5].map((n) => (
        <span key={n} className={n <= score ? 'star star-on' : 'star'} aria-hidden="true">
          ★
        </span>
      ))}
    </span>
  );
}
