import { h } from '../dom.ts';
import { t } from '../i18n/i18n.ts';
import type { ChatTopic } from './chat-http.ts';
import { field, formError, looksLikeEmail, submitButton } from './form-fields.ts';

/** What the visitor told us before the chat (everything optional). */
export interface PrechatValues {
  name: string;
  email: string;
  topic: ChatTopic | null;
  text: string;
}

export interface PrechatOptions {
  topics: ChatTopic[];
  /** The skill the engagement asked for: its topic is chosen already. */
  skillId?: string;
  initial?: Partial<PrechatValues>;
  /** Starts the chat; rejects with a sentence to show when it could not. */
  submit(values: PrechatValues): Promise<void>;
}

/** The optional pre-chat form: name, e-mail, topic (which chooses the skill) and the first question. */
export function prechatForm(opts: PrechatOptions): { view: HTMLElement; focusTarget: HTMLElement } {
  const name = field(t('Name'), h('input', { type: 'text', autocomplete: 'name', maxlength: 120 }), false);
  const email = field(
    t('Email'),
    h('input', { type: 'email', autocomplete: 'email', maxlength: 254, inputmode: 'email' }),
    false,
  );
  const select = h('select', {}, h('option', { value: '' }, t('Choose a topic')));
  for (const o of opts.topics) {
    const option = h(
      'option',
      { value: o.name },
      o.available ? o.name : t('{topic} (leave a message)', { topic: o.name }),
    );
    if (o.skillId === opts.skillId) option.selected = true;
    select.append(option);
  }
  const topic = field(t('Topic'), select, false);
  const text = field(t('How can we help?'), h('textarea', { rows: 3, maxlength: 4000 }), false);
  name.control.value = opts.initial?.name ?? '';
  email.control.value = opts.initial?.email ?? '';
  text.control.value = opts.initial?.text ?? '';
  const problem = formError();
  const button = submitButton(t('Start chat'), t('Connecting…'));

  const form = h(
    'form',
    { class: 'form', novalidate: true, 'aria-label': t('Before we start') },
    h('p', { class: 'lead' }, t('Tell us a little about you so we can help faster.')),
    name.view,
    email.view,
    opts.topics.length ? topic.view : null,
    text.view,
    problem.view,
    button.view,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const address = email.control.value.trim();
    const wrong = address && !looksLikeEmail(address);
    email.error(wrong ? t('Enter an email address like name@example.com, or leave it empty.') : null);
    if (wrong) {
      email.control.focus();
      return;
    }
    problem.show(null);
    button.busy(true);
    opts
      .submit({
        name: name.control.value.trim(),
        email: address,
        topic: opts.topics.find((o) => o.name === select.value) ?? null,
        text: text.control.value.trim(),
      })
      .catch((err: Error) => {
        button.busy(false);
        problem.show(err.message);
        button.view.focus();
      });
  });
  // Enter in the question box starts the chat, as it sends in the chat itself; Shift+Enter is a new line.
  text.control.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      button.view.click();
    }
  });
  return { view: form, focusTarget: name.control };
}
