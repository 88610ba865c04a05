/**
 * The Beckon tag: `<script async src="https://BECKON/t/SITE_KEY.js">`. Gives the visitor a
 * first-party id, keeps sessions, reports page views (single-page apps too), sections, visible
 * time and the site's own events over one WebSocket in acknowledged batches, and loads the
 * widget only when the server sends something to show. Public API: packages/tag/README.md.
 */
import type { EngageFrame, IdentifyEvent, PageViewEvent, ServerFrame, VisitorEvent } from '@beckon/protocol';
import { backoffDelay, MAX_FAILED_CONNECTS, nextAttempt } from './backoff.ts';
import { CHAT_KEY } from './chat-key.ts';
import { cleanSections, commandEvent } from './commands.ts';
import { deviceClass } from './device.ts';
import { ID_PATTERN, randomId } from './ids.ts';
import { CLOSE_BAD_FRAME, CLOSE_TOO_LARGE } from './limits.ts';
import { createOutbox } from './outbox.ts';
import { parseSession, type SessionRecord, touchSession } from './session.ts';
import { createStorage } from './storage.ts';
import type { BeckonApi, Widget } from './widget-api.ts';

declare const __WIDGET_VERSION__: string;

/** How long events wait for company before a batch goes (a full batch goes at once). */
const BATCH_DELAY_MS = 80;
/** How long after a history change the page view is taken, so the app has set its title and sections. */
const SPA_SETTLE_MS = 50;
const K_VISITOR = 'beckon.vid';
const K_SESSION = 'beckon.sid';
const K_CONSENT = 'beckon.consent';

type Command = unknown[];
const win = window as unknown as { beckon?: Command[] | BeckonApi };
const doc = document;
const loc = location;
const now = () => Date.now();
const warn = (...what: unknown[]) => console.warn('beckon:', ...what);

function start(script: HTMLScriptElement, origin: string, siteKey: string): void {
  const query = `?siteKey=${siteKey}`;
  const store = createStorage(() => localStorage, doc, loc.protocol === 'https:');
  let box = createOutbox<VisitorEvent>();
  const needConsent = script.getAttribute('data-consent') === 'required';
  let consent = store.get(K_CONSENT);
  let visitorId = store.get(K_VISITOR) || '';
  if (!ID_PATTERN.test(visitorId)) visitorId = randomId();
  let session: SessionRecord | null = parseSession(store.get(K_SESSION));
  let page: PageViewEvent | undefined;
  let pageKey = '';
  let nextSections: string[] | undefined;
  let spaTimer = 0;
  let flushTimer = 0;
  let retryTimer = 0;
  let ws: WebSocket | undefined;
  let ready = false;
  let started = false;
  let stopped = false;
  let failures = 0;
  let widget: Widget | undefined;
  let identity: IdentifyEvent | undefined;
  const waiting: (EngageFrame | undefined)[] = [];

  const allowed = () => consent === '1' || (!needConsent && consent !== '0');
  const persist = () => {
    if (allowed()) {
      store.set(K_VISITOR, visitorId);
      store.set(K_SESSION, JSON.stringify(session));
    }
  };
  const send = (frame: object) => ws!.send(JSON.stringify(frame));

  const flush = () => {
    clearTimeout(flushTimer);
    flushTimer = 0;
    if (ready) for (const b of box.take(true)) send(b);
  };

  /** On hide or leave: whatever is not acknowledged goes by beacon too (the server drops batch ids it has). */
  const beacon = () => {
    if (allowed()) {
      for (const b of box.take()) {
        const body = JSON.stringify({ visitorId, sessionId: session!.id, batch: b });
        navigator.sendBeacon(`${origin}/t/collect${query}`, body);
      }
    }
  };

  /** Closes the socket on purpose (no retry); unacknowledged batches go again on the next connection. */
  const disconnect = () => {
    if (ws) {
      ws.onclose = null;
      ws.close();
    }
    ws = undefined;
    ready = false;
    box.unsend();
  };

  const push = (event: VisitorEvent) => {
    // Refused consent: nothing is kept, let alone sent.
    if (consent === '0') return;
    // Activity keeps the session alive; a tab going hidden is not activity.
    if (event.type !== 'visibility' || event.visible) {
      const previous = session?.id;
      session = touchSession(session, now());
      persist();
      if (session.id !== previous && started) {
        // A new visit in a tab left open: re-report the page and say hello with the new session.
        // (The copy becomes `page`, so the hello below knows it is not acknowledged yet.)
        if (event !== page) {
          page = { ...page!, ts: now() };
          box.add(page);
        }
        if (ws) {
          disconnect();
          connect();
        }
      }
    }
    if (box.add(event)) flush();
    else flushTimer = flushTimer || (setTimeout(flush, BATCH_DELAY_MS) as unknown as number);
  };

  const pageView = () => {
    spaTimer = 0;
    const url = loc.href.slice(0, 2048);
    // In-page anchors are not pages; hash routes (#/…, #!…) are.
    const key = /^#[!/]/.test(loc.hash) ? url : url.split('#')[0]!;
    if (key === pageKey) return;
    pageKey = key;
    const labels: string[] = [];
    for (const m of doc.querySelectorAll<HTMLMetaElement>('meta[name="beckon:section"]'))
      labels.push(...m.content.split(','));
    const sections = nextSections || cleanSections(labels);
    const referrer = page ? page.url : doc.referrer.slice(0, 2048);
    const event: PageViewEvent = { type: 'page_view', url, title: doc.title.slice(0, 2000), ts: now() };
    if (sections.length) event.sections = sections;
    if (referrer) event.referrer = referrer;
    nextSections = undefined;
    page = event;
    push(event);
  };
  const navigated = () => {
    clearTimeout(spaTimer);
    spaTimer = setTimeout(pageView, SPA_SETTLE_MS) as unknown as number;
  };

  /** Shows an engagement; called without one, it only brings the widget up (for a chat open in this tab). */
  const engage = (frame?: EngageFrame) => {
    if (widget) return widget.show(frame);
    // The first engagement loads the widget; it takes over the waiting frames when it registers.
    if (waiting.push(frame) > 1) return;
    const s = doc.createElement('script');
    s.src = `${origin}/t/widget.js?v=${__WIDGET_VERSION__}&siteKey=${siteKey}`;
    s.nonce = script.nonce;
    doc.head.appendChild(s);
  };

  /** Brings the widget up when there may be a conversation to show (kept, linked, or a signed-in user's). */
  const start2 = () => {
    if (allowed() && (identity || store.get(CHAT_KEY) || loc.hash.includes(CHAT_KEY))) engage();
  };

  const onFrame = (frame: ServerFrame) => {
    if (frame.type === 'welcome') {
      ready = true;
      failures = 0;
      visitorId = frame.visitorId;
      session = { ...session!, id: frame.sessionId };
      persist();
      flush();
    } else if (frame.type === 'ack') box.ack(frame.id);
    else if (frame.type === 'engage') engage(frame);
    else if (frame.type === 'error') {
      // A batch the schema refused is not acknowledged; drop it rather than resend it forever.
      if (frame.code === 'bad_frame') box.ack();
      warn(frame.code, frame.message);
    }
  };

  function connect() {
    if (ws || stopped || !started || !allowed()) return;
    clearTimeout(retryTimer);
    const s = new WebSocket(`${origin.replace('http', 'ws')}/v1/visitor${query}`);
    ws = s;
    s.onopen = () => {
      const { url, title, referrer, sections } = page!;
      send({
        type: 'hello',
        visitorId,
        sessionId: session!.id,
        page: { url, title, referrer, sections },
        device: deviceClass(matchMedia('(pointer:coarse)').matches, Math.min(screen.width, screen.height)),
        // The server acknowledged this page on an earlier socket: after a restart it may only know it from here.
        resumed: !box.holds(page!),
      });
    };
    s.onmessage = (m) => {
      try {
        onFrame(JSON.parse(m.data));
      } catch {
        // a frame we do not understand is not worth breaking the host page for
      }
    };
    s.onclose = (e) => {
      ws = undefined;
      ready = false;
      // 4400 / 1009: the server refused a frame (invalid, too large); resending the same batches would loop.
      box.unsend(e.code === CLOSE_BAD_FRAME || e.code === CLOSE_TOO_LARGE);
      failures = nextAttempt(e.code, failures);
      // Refused for good (4403): this page stays quiet.
      stopped = failures < 0;
      if (!stopped && failures < MAX_FAILED_CONNECTS) {
        retryTimer = setTimeout(connect, backoffDelay(failures - 1)) as unknown as number;
      }
    };
  }
  const wake = () => {
    failures = 0;
    connect();
  };

  const exec = (cmd: Command) => {
    const [kind, arg] = cmd;
    if (kind === 'section') {
      const labels = cleanSections(arg);
      if (!page || spaTimer) nextSections = labels;
      else push({ type: 'section', sections: labels });
    } else if (kind === 'page') pageView();
    else if (kind === 'consent') {
      consent = arg ? '1' : '0';
      store.set(K_CONSENT, consent);
      if (arg) {
        persist();
        connect();
      } else {
        // Refused or withdrawn: stop, drop what was waiting, forget the ids. The widget hears it
        // through `push` too and ends its chat (widget/consent-watch.ts): no loader bytes for that.
        disconnect();
        box = createOutbox();
        store.set(K_VISITOR, null);
        store.set(K_SESSION, null);
        store.set(CHAT_KEY, null);
        visitorId = randomId();
        session = null;
      }
    } else {
      const event = commandEvent(cmd, now());
      if (!event) return;
      push(event);
      // A signed-in user the site vouches for: the widget looks for their open conversation.
      if (event.type === 'identify' && event.userHash) {
        identity = event;
        start2();
      }
    }
  };

  // `beckon('visitorId')`: the id a checkout passes to the shop, so server-side orders find the visit.
  // Any other call is a command: `beckon('consent', true)` is `beckon.push(['consent', true])`
  // (through `api.push`, so the widget's consent watch hears it too).
  const api = ((...cmd: Command) => (cmd[0] === 'visitorId' ? visitorId : api.push(cmd))) as BeckonApi;
  api.push = (...commands) => {
    for (const c of commands) {
      try {
        exec(c);
      } catch (err) {
        warn(err);
      }
    }
  };
  api.v = 1;
  api._w = (factory) => {
    widget =
      widget ||
      factory({
        outcome: (exposureId, outcome) => push({ type: 'exposure_outcome', exposureId, outcome, ts: now() }),
        identity: () => identity,
      });
    for (const f of waiting.splice(0)) widget.show(f);
  };
  win.beckon = api;

  // Calls queued before the script loaded run first, so the first page view carries their sections.
  if (Array.isArray(running)) api.push(...running);
  pageView();
  if (doc.hidden) push({ type: 'visibility', visible: false, ts: now() });

  for (const method of ['pushState', 'replaceState'] as const) {
    const original = history[method];
    history[method] = function (this: History, ...args: Parameters<History['pushState']>) {
      original.apply(this, args);
      navigated();
    };
  }
  addEventListener('popstate', navigated);
  addEventListener('hashchange', navigated);
  doc.addEventListener('visibilitychange', () => {
    push({ type: 'visibility', visible: !doc.hidden, ts: now() });
    if (!doc.hidden) wake();
    else {
      flush();
      beacon();
    }
  });
  addEventListener('pagehide', () => {
    flush();
    beacon();
    // Lets the back/forward cache keep this page; `pageshow` reconnects.
    disconnect();
  });
  addEventListener('pageshow', (e) => {
    if (e.persisted) {
      pageKey = '';
      pageView();
      wake();
    }
  });
  addEventListener('online', wake);
  started = true;
  connect();
  // An open chat comes back on every page and in every tab, right away; so does one a link names.
  start2();
}

/** What the page had put at `window.beckon` before this script ran: a queue of calls, or a running copy. */
const running = win.beckon;
const me = doc.currentScript as HTMLScriptElement | null;
const src = me && /^(https?:\/\/[^/]+)\/t\/([\w-]{1,64})\.js/.exec(me.src);
// A second copy of the tag on the page stands down.
if (src && !(running && (running as BeckonApi).v)) start(me!, src[1]!, src[2]!);
