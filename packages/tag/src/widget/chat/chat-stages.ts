import type { OfflineMessageInput } from '@beckon/protocol/chat-api';
import { h } from '../dom.ts';
import { locale, t } from '../i18n/i18n.ts';
import type { CallbackBody } from '../voice/callback-form.ts';
import type { VoiceKit } from '../voice/voice-kit.ts';
import type { ChatTopic } from './chat-http.ts';
import { doneView, offlineForm } from './offline-form.ts';
import type { Panel } from './panel-view.ts';
import { type PrechatValues, prechatForm } from './prechat-form.ts';
import { replyWhen } from './reply-when.ts';

/** The panel's screens before (or instead of) a conversation: loading, pre-chat, offline, gone. */

/** What the visitor answered in a form, kept to fill the next one. */
export type Prefill = { name?: string; email?: string; text?: string };

/** Replaces the panel's body with one screen; no conversation tools (End chat, drop, notices) on it. */
export function showScreen(panel: Panel, ...nodes: (HTMLElement | null)[]): void {
  panel.body.replaceChildren(...nodes.filter((n): n is HTMLElement => n !== null));
  panel.setDroppable(false);
  panel.setNotice(null);
  panel.setEndable(false);
}

/** A short wait (availability and topics), said in words. */
export function showLoading(panel: Panel, agentName: string | null): void {
  panel.setHeader(agentName || t('Chat with us'), t('Connecting…'), { avatar: agentName });
  showScreen(
    panel,
    h('p', { class: 'loading', role: 'status' }, h('span', { class: 'spin' }), t('One moment…')),
  );
}

export interface PrechatScreen {
  agentName: string | null;
  /** The invitation's greeting, shown above the form. */
  intro?: { text: string; from: string | null };
  topics: ChatTopic[];
  skillId?: string;
  submit(values: PrechatValues): Promise<void>;
}

/** The pre-chat form; returns where focus goes. */
export function showPrechat(panel: Panel, opts: PrechatScreen): HTMLElement {
  const who = opts.agentName;
  panel.setHeader(
    who || t('Chat with us'),
    who ? t('Online now · here to help') : t('We usually reply in a few minutes'),
    {
      avatar: who,
    },
  );
  const form = prechatForm({
    topics: opts.topics,
    ...(opts.skillId ? { skillId: opts.skillId } : {}),
    submit: opts.submit,
  });
  const greeting = opts.intro
    ? h(
        'div',
        { class: 'entry in' },
        opts.intro.from ? h('p', { class: 'from' }, opts.intro.from) : null,
        h('div', { class: 'bubble' }, opts.intro.text),
      )
    : null;
  showScreen(panel, h('div', { class: 'scroll' }, greeting, form.view));
  return form.focusTarget;
}

export interface OfflineScreen {
  /** The site's words for the away state (an `offline_message` engagement). */
  message?: string;
  /** When the skill's business hours next open (it is closed now). */
  opensAt?: string;
  prefill: Prefill;
  send(values: Pick<OfflineMessageInput, 'name' | 'email' | 'message'>): Promise<void>;
  /** The confirmation's Close. */
  close(): void;
  announce(text: string): void;
}

/** The offline message form, then its confirmation; returns where focus goes. */
export function showOffline(panel: Panel, opts: OfflineScreen): HTMLElement {
  const back = opts.opensAt ? replyWhen(opts.opensAt) : '';
  panel.setHeader(t('Leave us a message'), back || t('We’re away right now'), { away: true });
  const form = offlineForm({
    ...(opts.message !== undefined ? { message: opts.message } : {}),
    initial: opts.prefill,
    submit: async (values) => {
      await opts.send(values);
      const { name, email } = values;
      panel.setHeader(t('Message sent'), t('We’ll reply by email'), { away: true });
      showDone(
        panel,
        opts,
        doneView(
          'mail',
          t('Message sent'),
          name
            ? t('Thanks, {name}! We’ll reply to {email} as soon as someone is back.', { name, email })
            : t('Thanks! We’ll reply to {email} as soon as someone is back.', { email }),
          opts.close,
        ),
      );
    },
  });
  showScreen(panel, h('div', { class: 'scroll' }, form.view));
  return form.focusTarget;
}

/** Shows a form's confirmation, focuses its Close and says its title. */
function showDone(panel: Panel, opts: Pick<OfflineScreen, 'announce'>, done: HTMLElement): void {
  showScreen(panel, h('div', { class: 'scroll' }, done));
  done.querySelector('button')?.focus();
  opts.announce(done.querySelector('h3')!.textContent!);
}

/**
 * The "Call me back" form on its own (a `callback` engagement, or a call while no one can answer),
 * then its confirmation. A closed skill's next opening starts the window: "We call you back tomorrow at 9:00".
 */
export function showCallback(
  panel: Panel,
  callbackForm: VoiceKit['callbackForm'],
  opts: Pick<OfflineScreen, 'opensAt' | 'close' | 'announce'> & { send(body: CallbackBody): Promise<void> },
): HTMLElement {
  const back = opts.opensAt ? replyWhen(opts.opensAt, Date.now(), locale, true) : '';
  panel.setHeader(t('Call me back'), back || t('Leave your number and a time'), { away: true });
  const form = callbackForm(
    async (body) => {
      await opts.send(body);
      const start = Date.parse(body.windowStart);
      const from = new Date(start).toLocaleString();
      // "As soon as possible" starts the window now.
      const text =
        start <= Date.now()
          ? t('We will call {phone} in a few minutes.', { phone: body.phone })
          : t('We will call {phone} from {from}.', { phone: body.phone, from });
      showDone(panel, opts, doneView('phone', t('Callback booked'), text, opts.close));
    },
    opts.opensAt ? new Date(opts.opensAt) : undefined,
  );
  showScreen(panel, h('div', { class: 'scroll' }, form.view));
  return form.focusTarget;
}

/** The conversation's token no longer opens it (ended long ago, or expired). */
export function showGone(panel: Panel, restart: () => void): HTMLElement {
  panel.setHeader(t('Chat'), t('Chat ended'), { away: true });
  const again = h(
    'button',
    { class: 'btn primary', type: 'button', onclick: restart },
    t('Start a new chat'),
  );
  showScreen(
    panel,
    h(
      'div',
      { class: 'scroll' },
      h(
        'div',
        { class: 'done-state', role: 'status' },
        h('h3', { class: 'title' }, t('This chat is no longer available')),
        h('p', { class: 'text' }, t('It has ended or expired. You can start a new one any time.')),
        again,
      ),
    ),
  );
  return again;
}
