import { field, formError, submitButton } from '../chat/form-fields.ts';
import { h } from '../dom.ts';
import { t } from '../i18n/i18n.ts';
import { suggestedWindow } from './callback-window.ts';

/** What a callback request carries: the phone, the window (ISO times) and an optional topic. */
export interface CallbackBody {
  phone: string;
  windowStart: string;
  windowEnd: string;
  topic?: string;
}

const pad = (n: number) => String(n).padStart(2, '0');
const hm = (d: Date) => `${pad(d.getHours())}:${pad(d.getMinutes())}`;

/** How long a callback asked for "as soon as possible" stays open, should no one take it at once (ms). */
const SOON_MS = 2 * 3_600_000;

/**
 * The "Call me back" form: phone number, day, from–to and topic, each checked with a sentence
 * next to it. It opens at the suggested window. While the skill is open (no `from`), "When" offers
 * "As soon as possible": the window starts now, so the callback is due at once.
 */
export function callbackForm(
  submit: (body: CallbackBody) => Promise<void>,
  from?: Date,
): { view: HTMLElement; focusTarget: HTMLElement } {
  const { start: at, end: until } = suggestedWindow(Date.now(), from);
  const input = (type: string, value = '') => h('input', { type, value });
  const phone = field(t('Phone number'), input('tel'), true);
  phone.control.autocomplete = 'tel';
  const day = field(
    t('Day'),
    input('date', `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`),
    true,
  );
  const start = field(t('From'), input('time', hm(at)), true);
  const end = field(t('To'), input('time', hm(until)), true);
  const topic = field(t('Topic'), input('text'), false);
  const times = [day.view, start.view, end.view];
  const when = from
    ? null
    : field(
        t('When'),
        h(
          'select',
          {},
          h('option', { value: 'soon' }, t('As soon as possible')),
          h('option', { value: 'later' }, t('At a time I choose')),
        ),
        true,
      );
  const soon = () => when?.control.value === 'soon';
  const showTimes = () => {
    for (const v of times) v.hidden = soon();
  };
  when?.control.addEventListener('change', showTimes);
  showTimes();
  const problem = formError();
  const button = submitButton(t('Call me back'), t('Sending…'));
  const form = h(
    'form',
    { class: 'form', novalidate: true, 'aria-label': t('Ask for a callback') },
    phone.view,
    when?.view ?? null,
    ...times,
    topic.view,
    problem.view,
    button.view,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const at = (hm: string) => new Date(`${day.control.value}T${hm}`);
    const now = Date.now();
    const a = soon() ? new Date(now) : at(start.control.value);
    const b = soon() ? new Date(now + SOON_MS) : at(end.control.value);
    const number = phone.control.value.trim();
    phone.error(
      /^\+?[0-9][0-9 ()./-]{4,22}$/.test(number) ? null : t('Enter a phone number like +44 20 7946 0958.'),
    );
    day.error(Number.isNaN(a.getTime()) ? t('Choose a day.') : null);
    end.error(
      !(b > a) ? t('The end must come after the start.') : b.getTime() < now ? t('That time is over.') : null,
    );
    const bad = [phone, day, end].find((f) => f.control.getAttribute('aria-invalid'));
    if (bad) return bad.control.focus();
    problem.show(null);
    button.busy(true);
    const about = topic.control.value.trim().slice(0, 200);
    submit({
      phone: number,
      windowStart: a.toISOString(),
      windowEnd: b.toISOString(),
      ...(about ? { topic: about } : {}),
    }).catch((err: Error) => {
      button.busy(false);
      problem.show(err.message);
    });
  });
  return { view: form, focusTarget: phone.control };
}
