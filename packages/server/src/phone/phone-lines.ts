import { isOpen } from '@beckon/core/hours/business-hours';
import type { BusinessHours } from '@beckon/protocol/api';
import type { CallView } from '@beckon/protocol/call-protocol';
import type { AfterHours, CallDial, PhoneMenu } from '@beckon/protocol/phone-api';
import type { StaffCaller } from '../conversations/agent-chat-service.ts';
import type { ChatAnnouncer } from '../conversations/chat-announcer.ts';
import { KeyedLimiter } from '../conversations/chat-limits.ts';
import { newVisitorToken } from '../conversations/visitor-token.ts';
import type { Egress } from '../egress/egress.ts';
import { AppError, badRequest, notFound } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { CallRow } from '../store/calls-repo.ts';
import type { NumberRow, TrunkCredentials } from '../store/phone-repo.ts';
import { toCoreHours } from '../store/skills-repo.ts';
import type { Store } from '../store/store.ts';
import type { CallService, PhoneBridge, PhoneSignal } from '../voice/call-service.ts';
import type { CallMarks } from '../voice/call-sweeper.ts';
import { type HandleEvent, JanusClient, type Jsep } from './janus-client.ts';
import type { PhoneConfig } from './phone-config.ts';
import { HubLeg, infoDigit, type MenuOutcome, runMenu } from './phone-hub.ts';
import { promptsIn } from './phone-prompts.ts';
import { announceRecording } from './phone-recording.ts';
import { callTransferred, holdCaller, warmEnded } from './phone-transfer.ts';
import { RegistrationRetry } from './registration-retry.ts';

const SIP = 'janus.plugin.sip';

/** One trunk's registration at the gateway: a Janus session, its registered handle and helpers. */
interface Line {
  trunk: TrunkCredentials;
  session: number;
  master: number;
  handles: number[];
  /** The trunk answered 200 to the REGISTER: calls may go out. */
  registered: boolean;
  /** Every helper is attached: the trunk takes as many calls at once as it has lines. */
  ready: boolean;
  /** The gateway's id of the registration, which helper handles name to share it. */
  masterId: number;
  /** The line was taken down (the trunk edited or deleted): its late events change nothing. */
  closed: boolean;
  /** Ends the wait for a registration's answer. */
  settle?: (master: number) => void;
}

/** How a phone call went, for `beckon_phone_calls_total{direction,outcome}`. */
export type PhoneOutcome =
  | 'answered'
  | 'busy'
  | 'no_answer'
  | 'failed'
  | 'no_number'
  | 'after_hours'
  | 'flood'
  | 'bad_offer'
  | 'no_agent'
  | 'no_hub'
  | 'voicemail';

/** What a SIP final answer to a dialled call means for the agent. */
export function outboundEnd(code: number): 'busy' | 'no_answer' | 'declined' {
  if (code === 486 || code === 600) return 'busy';
  if (code === 603) return 'declined';
  return 'no_answer';
}

/** A phone number in E.164 from how a person wrote it (`+49 30 123-456` → `+4930123456`), or null. */
export function e164(text: string): string | null {
  const n = text.replace(/[\s().-]/g, '');
  return /^\+[1-9]\d{5,14}$/.test(n) ? n : null;
}

/** A phone call in progress on a handle of this node. */
interface LiveCall {
  accountId: string;
  callId: string;
  session: number;
  handle: number;
  /** The gateway's offer of an inbound call, handed to the console that answers. */
  offer?: Jsep;
  /** The SIP side answered (200 OK sent or received): the end is a BYE, not a refusal. */
  connected: boolean;
  /** A call the agent dials: where the INVITE goes once the console's offer comes. */
  dial?: { uri: string; from: string };
  /** The INVITE of a dialled call went out. */
  invited?: boolean;
  /** Gives up on a dialled phone that rings too long. */
  ringTimer?: NodeJS.Timeout;
  /** An inbound call's leg at the phone hub: prompts and music, then the relay to the agent. */
  hub?: HubLeg;
  /** The answering agent's leg at the hub. */
  agentLeg?: HubLeg;
  /** During a warm transfer: the first agent's leg (phone-transfer.ts). */
  warmLeg?: HubLeg;
  /** The skill an inbound call waits in (its place in line is counted there). */
  skillId?: string | null;
  /** When the call began to wait (its place in line). */
  since?: number;
  /** Tells a waiting caller their place in line again. */
  waitTimer?: NodeJS.Timeout;
  /** The language of the number's prompts. */
  lang?: string;
}

/** A caller's message left after hours, as the hub recorded it (a WAV), for the conversation. */
export interface Voicemail {
  accountId: string;
  conversationId: string;
  /** The number the caller dialled, and the skill the message belongs to (the calls report counts them). */
  numberId: string;
  number: string;
  skillId: string | null;
  wav: Buffer;
  ms: number;
}

/** How long a voicemail may be (seconds). */
export const VOICEMAIL_SECONDS = 120;
/** How often a waiting caller hears their place in line again (ms). */
export const PLACE_EVERY_MS = 30_000;

/** The user part of a SIP URI (`sip:+4930123@host` → `+4930123`). */
export const sipUser = (uri: string): string => /^sips?:([^@;>]+)@/.exec(uri)?.[1] ?? '';

/**
 * Beckon's side of the phone gateway. It registers each account's trunks at Janus's SIP plugin
 * (a session per trunk, a registered handle and helper handles, one call each), turns an inbound
 * INVITE into a call in the number's skill queue with the caller matched to a contact, and relays
 * the gateway's offer, the console's answer and ICE candidates. Media never passes through Node.
 * A node without `BECKON_JANUS_URL` registers nothing and marks trunks `no_gateway`.
 */
/** How long a handle waits for the gateway's `webrtc_hangup` before it is dialled on again. */
const CLOSING_MS = 5_000;

export class PhoneLines implements PhoneBridge {
  private client: JanusClient | null = null;
  private readonly lines = new Map<string, Line>();
  private readonly live = new Map<string, LiveCall>();
  private readonly byHandle = new Map<number, LiveCall>();
  /** Inbound calls the hub answered that are not calls in Beckon yet (menu, after hours), by SIP handle. */
  private readonly answering = new Map<number, HubLeg>();
  /**
   * Handles whose call ended while the gateway still tears its media down (until `webrtc_hangup`).
   * A call dialled on such a handle meets the old ICE agent and fails ("Error setting ICE locally").
   */
  private readonly closing = new Map<number, NodeJS.Timeout>();
  private readonly invites: KeyedLimiter;
  private readonly retries: RegistrationRetry;
  private stopped = false;

  constructor(
    private readonly store: Store,
    private readonly calls: CallService,
    private readonly marks: CallMarks,
    private readonly announcer: ChatAnnouncer,
    private readonly egress: Egress,
    private readonly config: PhoneConfig,
    private readonly log: Logger,
    private readonly count: (direction: 'inbound' | 'outbound', outcome: PhoneOutcome) => void = () => {},
    private readonly registrations: (outcome: 'registered' | 'failed') => void = () => {},
    private readonly countMenu: (outcome: MenuOutcome) => void = () => {},
    private readonly voicemail: (v: Voicemail) => Promise<void> = async () => {},
  ) {
    this.invites = new KeyedLimiter({ rate: config.invitesPerMinute / 60, burst: config.invitesPerMinute });
    this.retries = new RegistrationRetry(config.retrySeconds * 1000, config.retryMaxSeconds * 1000);
  }

  /** Connects to the gateway and registers every trunk; without a gateway, marks trunks so. */
  async start(): Promise<void> {
    const trunks = await this.store.phone.allTrunkCredentials();
    if (!this.config.janusUrl) {
      for (const t of trunks) await this.store.phone.setTrunkStatus(t.id, 'no_gateway', null);
      return;
    }
    this.client = await JanusClient.connect(this.config.janusUrl);
    this.client.onClose = (err) => {
      if (!this.stopped) this.log.error({ err }, 'phone gateway connection lost');
    };
    for (const t of trunks) await this.register(t).catch((err: Error) => this.failed(t, err.message));
  }

  /**
   * Registers a trunk (a new one, or again after its settings changed). A failure is retried on a
   * timer with backoff (`retried`: this is such a try, which keeps the backoff going).
   */
  async register(trunk: TrunkCredentials, retried = false): Promise<void> {
    if (!retried) this.retries.reset(trunk.id);
    const client = this.client;
    if (!client) {
      await this.store.phone.setTrunkStatus(trunk.id, 'no_gateway', null);
      return;
    }
    // The gateway connects to the address checked here, never to a name resolved again later.
    let address: string;
    try {
      address = (await this.egress.addressOf(new URL(`https://${bracket(trunk.host)}:${trunk.port}/`)))
        .address;
    } catch (err) {
      await this.failed(trunk, (err as Error).message);
      return;
    }
    await this.unregister(trunk.id);
    const proxy = `sip:${bracket(address)}:${trunk.port}${trunk.transport === 'udp' ? '' : `;transport=${trunk.transport}`}`;
    const session = await client.createSession();
    const line: Line = {
      trunk,
      session,
      master: 0,
      handles: [],
      registered: false,
      ready: false,
      masterId: 0,
      closed: false,
    };
    this.lines.set(trunk.id, line);
    const registered = new Promise<number>((resolve) => {
      // Taking the line down (an edit, a delete) settles a registration still under way.
      line.settle = resolve;
      void client
        .attach(session, SIP, (e) => this.onEvent(line, line.master, e, resolve))
        .then(async (master) => {
          line.master = master;
          if (line.closed) return;
          await this.store.phone.setTrunkStatus(trunk.id, 'registering', null);
          await client.message(session, master, {
            request: 'register',
            username: `sip:${trunk.username}@${trunk.host}`,
            authuser: trunk.username,
            secret: trunk.secret,
            proxy,
            // Calls go to the trunk too, at the checked address, whatever their Request-URI names.
            outbound_proxy: proxy,
            display_name: trunk.name,
          });
        })
        .catch(async (err: Error) => {
          if (!line.closed) await this.failed(trunk, err.message);
          resolve(0);
        });
    });
    const master = await registered;
    if (master === 0 || line.closed) return;
    // Helpers share the registration and take the calls that arrive while others are busy.
    for (let i = 0; i < this.config.linesPerTrunk; i++) {
      let handle = 0;
      handle = await client.attach(session, SIP, (e) => this.onEvent(line, handle, e));
      line.handles.push(handle);
      await client.message(session, handle, {
        request: 'register',
        type: 'helper',
        master_id: line.masterId,
        username: `sip:${trunk.username}@${trunk.host}`,
      });
    }
    // "Registered" is shown once every line can ring: calls that come sooner would meet a busy gateway.
    if (line.closed) return;
    line.ready = true;
    await this.store.phone.setTrunkStatus(trunk.id, 'registered', null);
  }

  private onEvent(line: Line, handle: number, e: HandleEvent, registered?: (master: number) => void): void {
    const result = (e.data?.result ?? {}) as Record<string, unknown>;
    const event = e.janus === 'hangup' ? 'webrtc_hangup' : String(result.event ?? e.data?.error ?? e.janus);
    this.log.debug({ trunkId: line.trunk.id, handle, event, result }, 'gateway event');
    const work = async () => {
      if (line.closed) return;
      switch (event) {
        case 'registered':
          if (registered) {
            line.registered = true;
            line.masterId = Number(result.master_id ?? 0);
            this.retries.reset(line.trunk.id);
            this.registrations('registered');
            if (line.ready) await this.store.phone.setTrunkStatus(line.trunk.id, 'registered', null);
            registered(handle);
          }
          return;
        case 'registration_failed':
          line.registered = false;
          await this.failed(line.trunk, `${String(result.code ?? '')} ${String(result.reason ?? '')}`.trim());
          registered?.(0);
          return;
        case 'incomingcall':
          return this.incoming(line, handle, result, e.jsep);
        case 'missed_call':
          // Every line of the trunk was busy: the gateway answered 486 itself and only tells us.
          this.log.info(
            { trunkId: line.trunk.id, caller: sipUser(String(result.caller ?? '')) },
            'phone call busy',
          );
          this.count('inbound', 'busy');
          return;
        case 'accepted':
          return this.outboundAnswered(handle, e.jsep);
        case 'hangup':
          return this.remoteHangup(handle, Number(result.code ?? 0));
        case 'webrtc_hangup':
          clearTimeout(this.closing.get(handle));
          this.closing.delete(handle);
          return;
        case 'info': {
          // A key pressed by SIP INFO (RFC 4733 keys come through the hub's RTP instead).
          const digit = infoDigit(String(result.type ?? ''), String(result.content ?? ''));
          if (digit) this.answering.get(handle)?.press(digit);
          return;
        }
        default:
          if (e.data?.error) this.log.warn({ trunkId: line.trunk.id, error: e.data.error }, 'gateway error');
      }
    };
    work().catch((err) => this.log.warn({ err, event }, 'phone event failed'));
  }

  /** A registration failed: the trunk shows why and when it is tried again, and the try is planned. */
  private async failed(trunk: TrunkCredentials, reason: string): Promise<void> {
    this.registrations('failed');
    const at = this.stopped ? null : this.retries.schedule(trunk.id, () => void this.retry(trunk));
    this.log.warn({ trunkId: trunk.id, reason, retryAt: at }, 'trunk registration failed');
    await this.store.phone.setTrunkStatus(trunk.id, 'failed', reason, at);
  }

  /** Registers a failed trunk again, with its settings as stored now (gone: nothing to do). */
  private async retry(trunk: TrunkCredentials): Promise<void> {
    const fresh = await this.store.phone.trunkCredentials(trunk.account_id, trunk.id).catch(() => undefined);
    if (!fresh || this.stopped) return;
    await this.register(fresh, true).catch((err: Error) => this.failed(fresh, err.message));
  }

  /** An INVITE for one of the trunk's numbers: a call in the number's queue, or a clear refusal. */
  private async incoming(
    line: Line,
    handle: number,
    r: Record<string, unknown>,
    offer?: Jsep,
  ): Promise<void> {
    const client = this.client!;
    const decline = (code: number, outcome: PhoneOutcome) => {
      this.log.info({ trunkId: line.trunk.id, code, outcome }, 'phone call refused');
      this.count('inbound', outcome);
      return client.message(line.session, handle, { request: 'decline', code });
    };
    const caller = sipUser(String(r.username ?? ''));
    const dialled = sipUser(String(r.callee ?? ''));
    if (!this.invites.take(caller || 'anonymous')) return decline(486, 'flood');
    if (!offer) return decline(488, 'bad_offer');
    const number = await this.store.phone.numberOnTrunk(line.trunk.id, dialled);
    if (!number) return decline(404, 'no_number');
    const accountId = number.account_id;
    const open = await this.openNow(number, homeSkill(number));
    // The hub answers the call (Janus negotiating with itself): from now on the caller hears Beckon.
    let leg: HubLeg;
    try {
      const hub = await HubLeg.caller(client, line.session, `${line.session}:${handle}`, offer);
      leg = hub.leg;
      this.answering.set(handle, leg);
      await client.message(line.session, handle, { request: 'accept' }, hub.answer);
    } catch (err) {
      this.log.warn({ err, trunkId: line.trunk.id }, 'the phone hub could not answer');
      return decline(480, 'no_hub');
    }
    const hangUp = async () => {
      this.answering.delete(handle);
      await leg.close();
      if (!leg.callerGone) await client.message(line.session, handle, { request: 'hangup' }).catch(() => {});
    };
    try {
      const phone = /^\+?\d{6,15}$/.test(caller) ? (caller.startsWith('+') ? caller : `+${caller}`) : null;
      const contact = phone ? await this.store.contacts.resolve(accountId, { phone }) : undefined;
      const who = { phone, caller, contact };
      const lang = number.language;
      const prompts = promptsIn(lang);
      if (!open) {
        this.count('inbound', 'after_hours');
        const after = number.after_hours ? (JSON.parse(number.after_hours) as AfterHours) : null;
        if (after?.action === 'voicemail') await this.takeMessage(leg, number, after, who);
        else await leg.play([{ say: after?.message ?? prompts.closed }, { silence: 0.5 }], lang);
        return await hangUp();
      }
      const menu = number.menu ? (JSON.parse(number.menu) as PhoneMenu) : null;
      const skillId =
        number.skill_id ?? (menu ? await runMenu(leg, menu, this.countMenu, undefined, lang) : null);
      if (leg.ended) return await hangUp();
      // A recorded number says so before an agent can answer (phone-recording.ts).
      const recorded = await announceRecording(leg, number);
      if (leg.ended) return await hangUp();
      const conversation = await this.openConversation(accountId, number, skillId, who);
      const view = await this.calls.visitorStart(accountId, conversation, {
        number: phone ?? caller,
        direction: 'inbound',
        recorded,
      });
      if (view.state === 'ended') {
        this.count('inbound', 'no_agent');
        await leg.play([{ say: prompts.noAgent }, { silence: 0.5 }], lang);
        return await hangUp();
      }
      const call: LiveCall = {
        accountId,
        callId: view.id,
        session: line.session,
        handle,
        connected: true,
        hub: leg,
        skillId,
        since: Date.now(),
        lang,
      };
      this.answering.delete(handle);
      this.live.set(view.id, call);
      this.byHandle.set(handle, call);
      // The call stays alive while this node holds the line: the sweeper ends it if the node dies.
      this.marks.hold(accountId, view.id, 'v');
      if (leg.ended) return await this.remoteHangup(handle, 0);
      this.tellPlace(call);
    } catch (err) {
      this.log.warn({ err, trunkId: line.trunk.id }, 'phone call failed');
      await hangUp();
    }
  }

  /** A conversation on the `voice` channel, in the skill's queue, with the caller's contact. */
  private async openConversation(accountId: string, number: NumberRow, skillId: string | null, who: Caller) {
    const conversation = await this.store.conversations.create({
      accountId,
      siteId: null,
      visitorId: null,
      channel: 'voice',
      source: 'visitor',
      skillId,
      status: 'queued',
      visitorName: who.contact?.name ?? who.phone ?? who.caller,
      topic: `Phone call to ${number.number}`,
      contactId: who.contact?.id ?? null,
      tokenHash: newVisitorToken().hash,
    });
    await this.announcer.line(
      accountId,
      conversation.id,
      `Phone call from ${who.phone ?? who.caller} to ${number.number}.`,
    );
    return conversation;
  }

  /**
   * After hours with voicemail: the message, a tone, and what the caller says until they hang up
   * (at most `VOICEMAIL_SECONDS`). The recording goes to a conversation with the caller's contact.
   */
  private async takeMessage(leg: HubLeg, number: NumberRow, after: AfterHours, who: Caller): Promise<void> {
    const lang = number.language;
    await leg.play([{ say: after.message }, { say: promptsIn(lang).voicemail }, { tone: 0.5 }], lang);
    if (leg.ended && !leg.callerGone) return;
    leg.record(VOICEMAIL_SECONDS);
    await leg.hungUp(VOICEMAIL_SECONDS * 1000);
    const rec = await leg.recording(15_000);
    if (!rec || rec.ms < 500) return;
    const skillId = homeSkill(number);
    const conversation = await this.openConversation(number.account_id, number, skillId, who);
    await this.voicemail({
      accountId: number.account_id,
      conversationId: conversation.id,
      numberId: number.id,
      number: number.number,
      skillId,
      wav: rec.wav,
      ms: rec.ms,
    });
    this.count('inbound', 'voicemail');
  }

  /** Tells a waiting caller their place in line, then music; again every `PLACE_EVERY_MS`. */
  private tellPlace(call: LiveCall): void {
    const leg = call.hub;
    if (!leg || leg.ended || call.agentLeg) return;
    const place =
      1 +
      [...this.live.values()].filter(
        (c) =>
          c !== call &&
          c.hub &&
          !c.agentLeg &&
          c.skillId === call.skillId &&
          (c.since ?? 0) < (call.since ?? 0),
      ).length;
    leg.loop([{ say: promptsIn(call.lang).place(place) }, { music: true }], call.lang);
    clearTimeout(call.waitTimer);
    call.waitTimer = setTimeout(() => this.tellPlace(call), PLACE_EVERY_MS);
    call.waitTimer.unref();
  }

  /**
   * An agent dials a contact's phone or a number: a conversation with the contact on the `voice`
   * channel, held by the agent, and a call that rings the phone once the console's offer comes.
   * Undefined when this node has no gateway.
   */
  async dial(caller: StaffCaller & { userId: string }, body: CallDial): Promise<CallView | undefined> {
    const client = this.client;
    if (!client) return undefined;
    const { accountId } = caller;
    const callback = body.callbackId ? await this.store.callbacks.get(accountId, body.callbackId) : undefined;
    if (body.callbackId && (!callback?.task_conversation_id || callback.status !== 'queued'))
      throw notFound('callback');
    const contact = body.contactId ? await this.store.contacts.get(accountId, body.contactId) : undefined;
    if (contact && !contact.phone)
      throw badRequest('contactId: this contact has no phone number', 'no_phone');
    const written = callback?.phone ?? contact?.phone ?? body.number ?? '';
    const to = e164(written);
    if (!to)
      throw badRequest(
        `${callback ? 'callbackId' : contact ? 'contactId' : 'number'}: ${written} is not a number in E.164 form (+ and country code)`,
        'bad_number',
      );
    if (callback) {
      const task = await this.store.conversations.get(accountId, callback.task_conversation_id!);
      if (task.status !== 'active' || task.assignedAgentId !== caller.userId)
        throw new AppError(403, 'not_assigned', 'this callback is not assigned to you');
    }
    const numbers = await this.store.phone.numbers(accountId);
    const from = body.fromNumberId ? numbers.find((n) => n.id === body.fromNumberId) : numbers[0];
    if (!from)
      throw body.fromNumberId
        ? notFound('phone number')
        : new AppError(409, 'no_number', 'set up a phone number first');
    const line = this.lines.get(from.trunk_id);
    const busy = new Set([...this.byHandle.keys(), ...this.answering.keys(), ...this.closing.keys()]);
    const handle = line?.registered && [line.master, ...line.handles].find((h) => h !== 0 && !busy.has(h));
    if (!line || !handle)
      throw new AppError(409, 'trunk_unavailable', 'the trunk is not registered, or all its lines are busy');
    const conversationId = callback
      ? callback.task_conversation_id!
      : await this.dialConversation(accountId, contact, to, from);
    const row = await this.calls.phoneDial(caller, conversationId, to);
    const live: LiveCall = { accountId, callId: row.id, session: line.session, handle, connected: false };
    live.dial = { uri: `sip:${to}@${bracket(line.trunk.host)}`, from: from.number };
    this.live.set(row.id, live);
    this.byHandle.set(handle, live);
    this.marks.hold(accountId, row.id, 'v');
    return this.calls.view(row);
  }

  /** A new `voice` conversation with the person dialled (a contact, found or made by number). */
  private async dialConversation(
    accountId: string,
    contact: { id: string; name: string | null } | undefined,
    to: string,
    from: NumberRow,
  ): Promise<string> {
    const person = contact ?? (await this.store.contacts.resolve(accountId, { phone: to }));
    const conversation = await this.store.conversations.create({
      accountId,
      siteId: null,
      visitorId: null,
      channel: 'voice',
      source: 'api',
      skillId: homeSkill(from),
      status: 'queued',
      visitorName: person.name ?? to,
      topic: `Phone call to ${to}`,
      contactId: person.id,
      tokenHash: newVisitorToken().hash,
    });
    return conversation.id;
  }

  /**
   * The agent answered: their console gets an offer, and answers it. An inbound call's offer is
   * the hub's (a leg that relays to the caller's); a dialled call's console makes its own.
   */
  answered(call: CallRow): void {
    const live = this.live.get(call.id);
    const client = this.client;
    if (!live?.hub || !client) return;
    const hub = live.hub;
    const work = async () => {
      clearTimeout(live.waitTimer);
      const previous = live.agentLeg;
      const { leg, offer } = await HubLeg.agent(
        client,
        live.session,
        `${live.session}:${live.handle}`,
        live.warmLeg !== undefined,
      );
      if (this.live.get(call.id) !== live || hub.ended) {
        await leg.close();
        return;
      }
      live.agentLeg = leg;
      await previous?.close();
      this.calls.relayToAgent(call, { callId: call.id, leg: Number(call.leg), description: offer });
    };
    work().catch((err) => this.log.warn({ err, callId: call.id }, 'phone hub offer failed'));
  }

  /** The call left its agent (phone-transfer.ts). */
  transferred(call: CallRow): void {
    const live = this.live.get(call.id);
    if (live) callTransferred(live, call.warm_from !== null, () => this.tellPlace(live));
  }

  /** A warm transfer completed or went back to the first agent (phone-transfer.ts). */
  warmEnded(call: CallRow, completed: boolean): void {
    const live = this.live.get(call.id);
    if (live) warmEnded(live, completed, () => this.tellPlace(live));
  }

  /** Hold plays music to the caller (phone-transfer.ts). */
  held(call: CallRow, held: boolean): void {
    const live = this.live.get(call.id);
    if (live) holdCaller(live, held);
  }

  /** The console's answer or candidate, for the gateway. */
  signal(call: CallRow, signal: PhoneSignal): void {
    const live = this.live.get(call.id);
    const client = this.client;
    if (!live || !client) return;
    const work = async () => {
      if (signal.description?.type === 'offer' && live.dial && !live.invited) {
        live.invited = true;
        live.ringTimer = setTimeout(() => void this.ringedOut(live), this.config.ringSeconds * 1000);
        live.ringTimer.unref();
        await client.message(
          live.session,
          live.handle,
          {
            request: 'call',
            uri: live.dial.uri,
            headers: { 'P-Asserted-Identity': `<sip:${live.dial.from}@${live.dial.uri.split('@')[1]}>` },
          },
          signal.description,
        );
      } else if (signal.description?.type === 'answer' && live.agentLeg) {
        await live.agentLeg.answer(signal.description);
      } else if (signal.description?.type === 'answer' && !live.connected) {
        live.connected = true;
        await client.message(live.session, live.handle, { request: 'accept' }, signal.description);
      } else if (signal.candidate !== undefined && live.agentLeg) {
        await live.agentLeg.trickle(signal.candidate);
      } else if (signal.candidate) {
        await client.trickle(live.session, live.handle, signal.candidate);
      }
    };
    work().catch((err) => this.log.warn({ err, callId: call.id }, 'phone signal not relayed'));
  }

  /** The call ended in Beckon (the agent hung up, nobody answered): the phone side ends too. */
  ended(call: CallRow): void {
    const live = this.live.get(call.id);
    if (!live) return;
    this.forget(live);
    // A dialled call that has not connected is cancelled (CANCEL); an inbound one is refused.
    const body = live.connected || live.dial ? { request: 'hangup' } : { request: 'decline', code: 480 };
    void this.client?.message(live.session, live.handle, body).catch(() => {});
  }

  private async outboundAnswered(handle: number, answer?: Jsep): Promise<void> {
    const live = this.byHandle.get(handle);
    if (!live || !answer) return;
    live.connected = true;
    clearTimeout(live.ringTimer);
    this.count('outbound', 'answered');
    const call = await this.store.calls.get(live.accountId, live.callId);
    if (!call) return;
    this.calls.relayToAgent(call, { callId: call.id, leg: Number(call.leg), description: answer });
    await this.calls.accept('visitor', live.accountId, live.callId);
  }

  /**
   * The caller hung up (or the trunk ended the call). A dialled phone that never answered ends
   * as busy or not answered, by the SIP code of its final answer.
   */
  private async remoteHangup(handle: number, code: number): Promise<void> {
    // A caller in the menu, or leaving a message: the hub's leg hears of it.
    this.answering.get(handle)?.gone();
    const live = this.byHandle.get(handle);
    if (!live) return;
    this.forget(live);
    if (live.dial && !live.connected) {
      const reason = outboundEnd(code);
      this.count('outbound', reason === 'declined' ? 'failed' : reason);
      const call = await this.store.calls.get(live.accountId, live.callId);
      if (call) await this.calls.end(call, 'visitor', reason);
      return;
    }
    await this.calls.hangup('visitor', live.accountId, live.callId);
  }

  /** A dialled phone rang for `BECKON_PHONE_RING_SECONDS`: the call is cancelled as not answered. */
  private async ringedOut(live: LiveCall): Promise<void> {
    if (live.connected || this.live.get(live.callId) !== live) return;
    this.count('outbound', 'no_answer');
    const call = await this.store.calls.get(live.accountId, live.callId);
    if (call) await this.calls.end(call, 'system', 'no_answer');
  }

  /**
   * Takes a trunk's registration down (its settings changed, or it was deleted): its calls end,
   * the gateway unregisters and drops the session.
   */
  async unregister(trunkId: string): Promise<void> {
    this.retries.cancel(trunkId);
    const line = this.lines.get(trunkId);
    if (!line) return;
    line.closed = true;
    line.settle?.(0);
    this.lines.delete(trunkId);
    for (const live of [...this.live.values()].filter((l) => l.session === line.session)) {
      this.forget(live);
      const call = await this.store.calls.get(live.accountId, live.callId);
      if (call) await this.calls.end(call, 'system', 'hangup').catch(() => undefined);
    }
    const client = this.client;
    if (!client) return;
    if (line.registered && line.master)
      await client.message(line.session, line.master, { request: 'unregister' }).catch(() => {});
    await client.destroySession(line.session);
  }

  private forget(live: LiveCall): void {
    clearTimeout(live.ringTimer);
    clearTimeout(live.waitTimer);
    void live.hub?.close().catch(() => {});
    void live.agentLeg?.close().catch(() => {});
    void live.warmLeg?.close().catch(() => {});
    this.live.delete(live.callId);
    if (this.byHandle.get(live.handle) === live) this.byHandle.delete(live.handle);
    // A handle that carried media is free once the gateway says its media is gone (or after 5 s).
    if (!live.dial || live.invited) {
      clearTimeout(this.closing.get(live.handle));
      const timer = setTimeout(() => this.closing.delete(live.handle), CLOSING_MS);
      timer.unref();
      this.closing.set(live.handle, timer);
    }
    this.marks.release(live.accountId, live.callId, 'v', true);
  }

  /** Whether the number takes calls now: its own hours, else its skill's; none: always. */
  private async openNow(number: NumberRow, skillId: string | null): Promise<boolean> {
    let hours = number.hours ? toCoreHours(JSON.parse(number.hours) as BusinessHours) : null;
    if (!hours && skillId) {
      const skill = await this.store.skills.get(number.account_id, skillId).catch(() => undefined);
      hours = toCoreHours(skill?.hours ?? null);
    }
    return !hours || isOpen(hours, Date.now());
  }

  /** Calls on this node's lines (the benchmark and tests read it). */
  get calling(): number {
    return this.live.size;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.retries.stop();
    const client = this.client;
    if (!client) return;
    for (const live of [...this.live.values()]) {
      this.forget(live);
      await client.message(live.session, live.handle, { request: 'hangup' }).catch(() => {});
    }
    for (const leg of this.answering.values()) await leg.close().catch(() => {});
    this.answering.clear();
    for (const line of this.lines.values()) await client.destroySession(line.session);
    this.lines.clear();
    client.close();
  }
}

const bracket = (host: string) => (host.includes(':') && !host.startsWith('[') ? `[${host}]` : host);

/** The skill a number's calls belong to: its own, or its menu's first choice. */
function homeSkill(number: NumberRow): string | null {
  return (
    number.skill_id ??
    (number.menu ? (JSON.parse(number.menu) as PhoneMenu).choices[0]?.skillId : null) ??
    null
  );
}

/** Who is calling: their number (E.164, when it is one), as the trunk gave it, and their contact. */
interface Caller {
  phone: string | null;
  caller: string;
  contact?: { id: string; name: string | null };
}
