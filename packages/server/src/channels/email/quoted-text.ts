/**
 * What the sender wrote in a reply, without the history their mail client quoted below it: the
 * agent reads the new words; the raw message keeps everything.
 *
 * Cuts at the first line that opens quoted history (an attribution such as "On … wrote:", an
 * Outlook "Original Message" or "From:/Sent:" block) or a signature delimiter ("-- "), then drops
 * a trailing block of `>` lines and a phone's "Sent from my …" line. A reply written below the
 * whole quote (Thunderbird's default) keeps the words below it. Quotes between answers
 * (interleaved replies) stay: they give the answers their context. When nothing would remain,
 * the whole text stays.
 */
const OPENERS = [
  /^On\b.{0,300}\bwrote:\s*$/i,
  /^Le\b.{0,300}\ba écrit\s*:\s*$/i,
  /^Am\b.{0,300}\bschrieb\b.{0,200}:\s*$/i,
  /^El\b.{0,300}\bescribió:\s*$/i,
  /^-{2,}\s*(Original Message|Forwarded message|Ursprüngliche Nachricht|Message d'origine)\s*-{2,}/i,
  /^_{20,}\s*$/,
  /^(From|De|Von):\s.+$/,
  /^--$/,
];

/** What phones add below the words (the raw mail keeps it). */
const DEVICE_SIGNATURE =
  /^(Sent from my \w[\w ]{0,40}|Get Outlook for (iOS|Android)|Von meinem \w[\w ]{0,40} gesendet)$/i;

const opens = (line: string) => OPENERS.some((re) => re.test(line));
const quoted = (line: string) => line.trimStart().startsWith('>');

/** How many lines an attribution ("On … wrote:", maybe wrapped onto two lines) at `i` takes; 0 if none. */
function attribution(lines: readonly string[], i: number): number {
  const trimmed = lines[i]!.trim();
  if (/^On\b.{0,300}\bwrote:\s*$/i.test(trimmed)) return 1;
  const next = lines[i + 1]?.trim();
  return next !== undefined && /^On\b/i.test(trimmed) && /\bwrote:\s*$/i.test(`${trimmed} ${next}`) ? 2 : 0;
}

/** Where the words start in a reply written below the whole quote, else 0. */
function belowQuote(lines: readonly string[]): number {
  let i = attribution(lines, 0);
  let sawQuote = false;
  while (i < lines.length && (lines[i]!.trim() === '' || quoted(lines[i]!))) {
    sawQuote ||= quoted(lines[i]!);
    i++;
  }
  // Quotes further down are an interleaved reply: every answer keeps its question.
  return sawQuote && !lines.slice(i).some(quoted) ? i : 0;
}

export function strippedReply(text: string): string {
  const all = text.replace(/\r\n?/g, '\n').split('\n');
  const start = belowQuote(all) || attribution(all, 0);
  const lines = all.slice(start);
  let end = lines.length;
  for (let i = 0; i < lines.length; i++) {
    const trimmed = lines[i]!.trim();
    if (opens(trimmed) || attribution(lines, i) > 0) {
      // An Outlook "From:" line is history only when the headers of a quoted mail follow it.
      if (/^(From|De|Von):/.test(trimmed) && !/^(Sent|Date|Envoyé|Gesendet|To):/i.test(lines[i + 1] ?? ''))
        continue;
      end = i;
      break;
    }
  }
  while (end > 0 && (lines[end - 1]!.trim() === '' || quoted(lines[end - 1]!))) end--;
  if (end > 0 && DEVICE_SIGNATURE.test(lines[end - 1]!.trim())) end--;
  const kept = lines.slice(0, end).join('\n').trim();
  return kept || text.trim();
}
