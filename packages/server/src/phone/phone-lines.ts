import { isOpen } from '@beckon/core/hours/business-hours';
import type { BusinessHours } from '@beckon/protocol/api';
import type { CallView } from '@beckon/protocol/call-protocol';
import type { CallDial, PhoneMenu } from '@beckon/protocol/phone-api';
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
  | 'no_agent';

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
}

/** The user part of a SIP URI (`sip:+4930123@host` → `+4930123`). */
export const sipUser = (uri: string): string => /^sips?:([^@;>]+)@/.exec(uri)?.[1] ?? '';

/**
 * Beckon's side of the phone gateway. It registers each account's trunks at Janus's SIP plugin
 * (a session per trunk, a registered handle and helper handles, one call each), turns an inbound
 * INVITE into a call in the number's skill queue with the caller matched to a contact, and relays
 * the gateway's offer, the console's answer and ICE candidates. Media never passes through Node.
 * A node without `BECKON_JANUS_URL` registers nothing and marks trunks `no_gateway`.
 */
export class PhoneLines implements PhoneBridge {
  private client: JanusClient | null = null;
  private readonly lines = new Map<string, Line>();
  private readonly live = new Map<string, LiveCall>();
  private readonly byHandle = new Map<number, LiveCall>();
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
            await this.store.phone.setTrunkStatus(line.trunk.id, 'registered', null);
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
        case 'accepted':
          return this.outboundAnswered(handle, e.jsep);
        case 'hangup':
          return this.remoteHangup(handle, Number(result.code ?? 0));
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
    const skillId = number.skill_id ?? firstChoice(number)?.skillId ?? null;
    if (!(await this.openNow(number, skillId))) return decline(480, 'after_hours');
    const phone = /^\+?\d{6,15}$/.test(caller) ? (caller.startsWith('+') ? caller : `+${caller}`) : null;
    const contact = phone ? await this.store.contacts.resolve(accountId, { phone }) : undefined;
    const conversation = await this.store.conversations.create({
      accountId,
      siteId: null,
      visitorId: null,
      channel: 'voice',
      source: 'visitor',
      skillId,
      status: 'queued',
      visitorName: contact?.name ?? phone ?? caller,
      topic: `Phone call to ${number.number}`,
      contactId: contact?.id ?? null,
      tokenHash: newVisitorToken().hash,
    });
    await this.announcer.line(
      accountId,
      conversation.id,
      `Phone call from ${phone ?? caller} to ${number.number}.`,
    );
    const view = await this.calls.visitorStart(accountId, conversation, {
      number: phone ?? caller,
      direction: 'inbound',
    });
    const call: LiveCall = {
      accountId,
      callId: view.id,
      session: line.session,
      handle,
      offer,
      connected: false,
    };
    if (view.state === 'ended') return decline(480, 'no_agent');
    this.live.set(view.id, call);
    this.byHandle.set(handle, call);
    // The call stays alive while this node holds the line: the sweeper ends it if the node dies.
    this.marks.hold(accountId, view.id, 'v');
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
    const busy = new Set(this.byHandle.keys());
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
      skillId: from.skill_id ?? firstChoice(from)?.skillId ?? null,
      status: 'queued',
      visitorName: person.name ?? to,
      topic: `Phone call to ${to}`,
      contactId: person.id,
      tokenHash: newVisitorToken().hash,
    });
    return conversation.id;
  }

  /** The agent answered: their console gets the gateway's offer, and answers it. */
  answered(call: CallRow): void {
    const live = this.live.get(call.id);
    if (!live?.offer) return;
    this.calls.relayToAgent(call, { callId: call.id, leg: Number(call.leg), description: live.offer });
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
      } else if (signal.description?.type === 'answer' && !live.connected) {
        live.connected = true;
        await client.message(live.session, live.handle, { request: 'accept' }, signal.description);
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
    this.live.delete(live.callId);
    if (this.byHandle.get(live.handle) === live) this.byHandle.delete(live.handle);
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
    for (const line of this.lines.values()) await client.destroySession(line.session);
    this.lines.clear();
    client.close();
  }
}

const bracket = (host: string) => (host.includes(':') && !host.startsWith('[') ? `[${host}]` : host);

function firstChoice(number: NumberRow): PhoneMenu['choices'][number] | undefined {
  return number.menu ? (JSON.parse(number.menu) as PhoneMenu).choices[0] : undefined;
}
