import { h, icon } from '../dom.ts';
import { t } from '../i18n/i18n.ts';
import { formError, looksLikeEmail, submitButton } from './form-fields.ts';

let seq = 0;

export interface CsatOptions {
  agentName: string | null;
  /** Stores the rating; rejects with a sentence to show when it could not. */
  submit(score: number, comment: string): Promise<void>;
  skip(): void;
}

/**
 * The satisfaction survey after the chat: five stars (real radio buttons, so arrow keys move
 * between them and screen readers say "3 of 5") and an optional comment.
 */
export function csatView(opts: CsatOptions): { view: HTMLElement; focusTarget: HTMLElement } {
  const id = `bk-csat-${++seq}`;
  const comment = h('textarea', {
    rows: 2,
    maxlength: 1000,
    placeholder: t('Anything you’d like to add? (optional)'),
    'aria-label': t('Comment (optional)'),
  });
  const caption = h('p', { class: 'caption', 'aria-hidden': 'true' }, t('Choose a rating'));
  const problem = formError();
  const button = submitButton(t('Send feedback'), t('Sending…'));
  button.view.disabled = true;
  const stars = h('div', { class: 'stars', role: 'radiogroup', 'aria-labelledby': `${id}-q` });
  const radios: HTMLInputElement[] = [];
  const LABELS = [t('Very poor'), t('Poor'), t('OK'), t('Good'), t('Excellent')];
  LABELS.forEach((label, i) => {
    const radio = h('input', {
      type: 'radio',
      name: id,
      value: i + 1,
      'aria-label': t('{n} of 5: {label}', { n: i + 1, label }),
    });
    radios.push(radio);
    stars.append(h('label', { class: 'star', title: label }, radio, icon('star', 30)));
  });
  const paint = (value: number, hover = false) => {
    radios.forEach((r, i) => {
      r.parentElement!.classList.toggle('on', i < value);
    });
    caption.textContent = value ? LABELS[value - 1]! : t('Choose a rating');
    if (!hover) button.view.disabled = value === 0;
  };
  const chosen = () => radios.findIndex((r) => r.checked) + 1;
  stars.addEventListener('change', () => paint(chosen()));
  stars.addEventListener('mouseover', (e) => {
    const i = radios.findIndex((r) => r.parentElement!.contains(e.target as Node));
    if (i >= 0) paint(i + 1, true);
  });
  stars.addEventListener('mouseleave', () => paint(chosen()));

  const form = h(
    'form',
    { class: 'survey', novalidate: true, 'aria-labelledby': `${id}-q` },
    h(
      'h3',
      { class: 'title', id: `${id}-q` },
      opts.agentName
        ? t('How was your chat with {name}?', { name: opts.agentName })
        : t('How was your chat?'),
    ),
    stars,
    caption,
    comment,
    problem.view,
    h(
      'div',
      { class: 'actions' },
      button.view,
      h('button', { class: 'btn secondary', type: 'button', onclick: opts.skip }, t('Skip')),
    ),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const score = chosen();
    if (!score) return;
    problem.show(null);
    button.busy(true);
    opts.submit(score, comment.value.trim()).catch((err: Error) => {
      button.busy(false);
      problem.show(err.message);
    });
  });
  return { view: form, focusTarget: radios[0]! };
}

/**
 * Sends the transcript by e-mail: to the chat's address, or to `email` when it has none. Resolves
 * with the address it went to; rejects with the server's error code and a sentence to show.
 */
export type TranscriptSender = (email?: string) => Promise<string>;

/** The end of the chat (after the survey, or instead of it), with a way to start over. */
export function thanksView(
  title: string,
  text: string,
  restart: () => void,
  close: () => void,
  transcript?: TranscriptSender,
): HTMLElement {
  return h(
    'div',
    { class: 'done-state', role: 'status' },
    h('div', { class: 'badge-ok', 'aria-hidden': 'true' }, icon('check', 26)),
    h('h3', { class: 'title' }, title),
    h('p', { class: 'text' }, text),
    h(
      'div',
      { class: 'actions' },
      h('button', { class: 'btn primary', type: 'button', onclick: restart }, t('Start a new chat')),
      h('button', { class: 'btn secondary', type: 'button', onclick: close }, t('Close')),
    ),
    transcript ? transcriptView(transcript) : null,
  );
}

/** "Email me the transcript": to the address the chat knows, or asks for one when it knows none. */
function transcriptView(send: TranscriptSender): HTMLElement {
  const box = h('div', { class: 'transcript' });
  const note = h('p', { class: 'caption', role: 'status' });
  const input = h('input', {
    type: 'email',
    placeholder: 'you@example.com',
    'aria-label': t('Your e-mail address'),
    autocomplete: 'email',
  });
  const go = (email?: string) => {
    note.textContent = t('Sending…');
    send(email).then(
      (to) => {
        box.replaceChildren(h('p', { class: 'caption' }, t('Transcript sent to {to}.', { to })));
      },
      (err: { code?: string; message?: string }) => {
        if (err.code === 'no_email') {
          note.textContent = t('Where should we send it?');
          box.replaceChildren(form, note);
          input.focus();
        } else note.textContent = err.message ?? t('That didn’t work. Please try again.');
      },
    );
  };
  const form = h(
    'form',
    {
      class: 'transcript-form',
      onsubmit: (e: Event) => {
        e.preventDefault();
        const email = input.value.trim();
        if (!looksLikeEmail(email)) {
          note.textContent = t('Please enter an e-mail address.');
          return;
        }
        go(email);
      },
    },
    input,
    h('button', { class: 'btn secondary', type: 'submit' }, t('Send')),
  );
  box.append(
    h('button', { class: 'linkish', type: 'button', onclick: () => go() }, t('Email me the transcript')),
    note,
  );
  return box;
}
