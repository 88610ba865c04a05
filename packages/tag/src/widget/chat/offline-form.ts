import type { OfflineMessageInput } from '@beckon/protocol/chat-api';
import { h, icon } from '../dom.ts';
import { field, formError, looksLikeEmail, submitButton } from './form-fields.ts';

export interface OfflineFormOptions {
  /** What the site says when no one is around (from the engagement), else a default. */
  message?: string;
  initial?: { name?: string; email?: string; text?: string };
  /** Sends the message; rejects with a sentence to show when it could not. */
  submit(input: Pick<OfflineMessageInput, 'name' | 'email' | 'message'>): Promise<void>;
}

/** The offline message form (name, e-mail, message), for when no agent can take a chat. */
export function offlineForm(opts: OfflineFormOptions): { view: HTMLElement; focusTarget: HTMLElement } {
  const name = field('Name', h('input', { type: 'text', autocomplete: 'name', maxlength: 120 }), true);
  const email = field(
    'Email',
    h('input', { type: 'email', autocomplete: 'email', maxlength: 254, inputmode: 'email' }),
    true,
  );
  const text = field('Message', h('textarea', { rows: 4, maxlength: 4000 }), true);
  name.control.value = opts.initial?.name ?? '';
  email.control.value = opts.initial?.email ?? '';
  text.control.value = opts.initial?.text ?? '';
  const problem = formError();
  const button = submitButton('Send message', 'Sending…');
  const form = h(
    'form',
    { class: 'form', novalidate: true, 'aria-label': 'Leave a message' },
    h(
      'p',
      { class: 'lead' },
      opts.message?.trim() ||
        'No one is available to chat right now. Leave a message and we’ll reply by email.',
    ),
    name.view,
    email.view,
    text.view,
    problem.view,
    button.view,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const values = {
      name: name.control.value.trim(),
      email: email.control.value.trim(),
      message: text.control.value.trim(),
    };
    name.error(values.name ? null : 'Please enter your name.');
    email.error(
      !values.email
        ? 'Please enter your email, so we can reply.'
        : looksLikeEmail(values.email)
          ? null
          : 'Enter an email address like name@example.com.',
    );
    text.error(values.message ? null : 'Please write your message.');
    const invalid = [name, email, text].find((f) => f.control.getAttribute('aria-invalid'));
    if (invalid) {
      invalid.control.focus();
      return;
    }
    problem.show(null);
    button.busy(true);
    opts.submit(values).catch((err: Error) => {
      button.busy(false);
      problem.show(err.message);
      button.view.focus();
    });
  });
  return { view: form, focusTarget: name.control.value ? text.control : name.control };
}

/** A form's confirmation (an offline message sent, a callback booked) with its Close. */
export function doneView(
  glyph: 'mail' | 'phone',
  title: string,
  text: string,
  close: () => void,
): HTMLElement {
  return h(
    'div',
    { class: 'done-state', role: 'status' },
    h('div', { class: 'badge-ok', 'aria-hidden': 'true' }, icon(glyph, 26)),
    h('h3', { class: 'title' }, title),
    h('p', { class: 'text' }, text),
    h('button', { class: 'btn secondary', type: 'button', onclick: close }, 'Close'),
  );
}
