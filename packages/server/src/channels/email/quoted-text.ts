/**
 * What the sender wrote in a reply, without the history their mail client quoted below it: the
 * agent reads the new words; the raw message keeps everything.
 *
 * Cuts at the first line that opens quoted history (an attribution such as "On … wrote:", an
 * Outlook "Original Message" or "From:/Sent:" block) or a signature delimiter ("-- "), then drops
 * a trailing block of `>` lines. Quotes between answers (bottom-posting) stay: they give the
 * answers their context. When nothing would remain, the whole text stays.
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

const opens = (line: string) => OPENERS.some((re) => re.test(line));

export function strippedReply(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  let end = lines.length;
  for (let i = 0; i < lines.length; i++) {
    const trimmed = lines[i]!.trim();
    // An attribution line that mail clients wrap onto two lines ("On …, Ana <\nana@x> wrote:").
    const joined = i + 1 < lines.length ? `${trimmed} ${lines[i + 1]!.trim()}` : trimmed;
    if (opens(trimmed) || (/^On\b/i.test(trimmed) && /\bwrote:\s*$/i.test(joined))) {
      // An Outlook "From:" line is history only when the headers of a quoted mail follow it.
      if (/^(From|De|Von):/.test(trimmed) && !/^(Sent|Date|Envoyé|Gesendet|To):/i.test(lines[i + 1] ?? ''))
        continue;
      end = i;
      break;
    }
  }
  while (end > 0 && (lines[end - 1]!.trim() === '' || lines[end - 1]!.trimStart().startsWith('>'))) end--;
  const kept = lines.slice(0, end).join('\n').trim();
  return kept || text.trim();
}
