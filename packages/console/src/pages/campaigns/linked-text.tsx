/** A translated sentence with one element (a link, a code sample) in the place its message chose. */
import type { ReactNode } from 'react';

/** The value to give the element's argument in `t()`; `withElement` puts the element where it lands. */
export const ELEMENT = '\u2063';

/** `text`, translated with `ELEMENT` as the element's argument, with `element` in place of the marker. */
export function withElement(text: string, element: ReactNode): ReactNode {
  const at = text.indexOf(ELEMENT);
  if (at < 0) return text;
  return (
    <>
      {text.slice(0, at)}
      {element}
      {text.slice(at + ELEMENT.length)}
    </>
  );
}
