/**
 * The rate-limit countdown as people see it, ticking each second, and as screen readers hear it:
 * once, in words that do not change, so a live region is not read out again every second.
 */
export function RateLimitText({ text }: { text: string }) {
  return (
    <>
      <span aria-hidden="true">{text}</span>
      <span className="visually-hidden">Too many requests — reconnecting shortly.</span>
    </>
  );
}
