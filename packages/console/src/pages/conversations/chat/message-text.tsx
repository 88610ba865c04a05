/** Message text as text, with safe auto-links that open in a new tab without access to this page. */
import { linkify } from './linkify.ts';

export function MessageText({ text }: { text: string }) {
  return (
    <>
      {linkify(text).map((part, index) =>
        part.kind === 'text' ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one text never reorder.
          <span key={index}>{part.text}</span>
        ) : (
          <a
            // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one text never reorder.
            key={index}
            href={part.href}
            target="_blank"
            rel="noopener noreferrer"
            className="message-link"
          >
            {part.text}
          </a>
        ),
      )}
    </>
  );
}
