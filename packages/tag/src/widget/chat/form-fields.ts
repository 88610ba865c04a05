import { h } from '../dom.ts';
import { t } from '../i18n/i18n.ts';

let seq = 0;

/** A loose check that catches typos (the server validates properly). */
export const looksLikeEmail = (value: string): boolean => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value);

/** A labelled form field with its own error line, wired for screen readers. */
export interface Field<T extends HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement> {
  view: HTMLElement;
  control: T;
  /** Shows (or with null clears) the field's error. */
  error(message: string | null): void;
}

/** Wraps `control` with a visible label ("optional" when not required) and an error line. */
export function field<T extends HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>(
  label: string,
  control: T,
  required: boolean,
): Field<T> {
  const id = `bk-f${++seq}`;
  const err = h('p', { class: 'ferr', id: `${id}-err` });
  control.id = id;
  if (required) control.setAttribute('aria-required', 'true');
  const view = h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label, required ? null : h('span', { class: 'opt' }, ` ${t('(optional)')}`)),
    control,
    err,
  );
  return {
    view,
    control,
    error(message) {
      err.textContent = message ?? '';
      if (message) {
        control.setAttribute('aria-invalid', 'true');
        control.setAttribute('aria-describedby', err.id);
      } else {
        control.removeAttribute('aria-invalid');
        control.removeAttribute('aria-describedby');
      }
    },
  };
}

/** The form's own error line (network or server refusal), announced when it appears. */
export function formError(): { view: HTMLElement; show(message: string | null): void } {
  const view = h('p', { class: 'form-err', role: 'alert' });
  return {
    view,
    show(message) {
      view.textContent = message ?? '';
    },
  };
}

/** A submit button that says it is working and cannot be pressed twice. */
export function submitButton(
  label: string,
  busyLabel: string,
): {
  view: HTMLButtonElement;
  busy(on: boolean): void;
} {
  const view = h('button', { class: 'btn primary wide', type: 'submit' }, label);
  return {
    view,
    busy(on) {
      view.disabled = on;
      view.setAttribute('aria-busy', String(on));
      view.textContent = on ? busyLabel : label;
    },
  };
}
