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

const SIP = 'janus.plugin.sip';

/** One trunk's registration at the gateway: a Janus session, its registered handle and helpers. */
interface Line {
  trunk: TrunkCredentials;
  session: number;
  master: number;
  handles: number[];
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
  private stopped = false;

  constructor(
    private readonly store: Store,
    private readonly calls: CallService,
    private readonly marks: CallMarks,
    private readonly announcer: ChatAnnouncer,
    private readonly egress: Egress,
    private readonly config: PhoneConfig,
    private readonly log: Logger,
  ) {
    this.invites = new KeyedLimiter({ rate: config.invitesPerMinute / 60, burst: config.invitesPerMinute });
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
    for (const t of trunks)
      await this.register(t).catch((err) => this.log.warn({ err }, 'trunk not registered'));
  }

  /** Registers a trunk (a new one, or again after its settings changed). */
  async register(trunk: TrunkCredentials): Promise<void> {
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
      await this.store.phone.setTrunkStatus(trunk.id, 'failed', (err as Error).message);
      return;
    }
    const session = await client.createSession();
    const line: Line = { trunk, session, master: 0, handles: [] };
    this.lines.set(trunk.id, line);
    const registered = new Promise<number>((resolve) => {
      void client
        .attach(session, SIP, (e) => this.onEvent(line, line.master, e, resolve))
        .then(async (master) => {
          line.master = master;
          await this.store.phone.setTrunkStatus(trunk.id, 'registering', null);
          await client.message(session, master, {
            request: 'register',
            username: `sip:${trunk.username}@${trunk.host}`,
            authuser: trunk.username,
            secret: trunk.secret,
            proxy: `sip:${bracket(address)}:${trunk.port}${trunk.transport === 'udp' ? '' : `;transport=${trunk.transport}`}`,
            display_name: trunk.name,
          });
        });
    });
    const master = await registered;
    if (master === 0) return;
    // Helpers share the registration and take the calls that arrive while others are busy.
    for (let i = 0; i < this.config.linesPerTrunk; i++) {
      let handle = 0;
      handle = await client.attach(session, SIP, (e) => this.onEvent(line, handle, e));
      line.handles.push(handle);
      await client.message(session, handle, {
        request: 'register',
        type: 'helper',
        master_id: master,
        username: `sip:${trunk.username}@${trunk.host}`,
      });
    }
  }

  private onEvent(line: Line, handle: number, e: HandleEvent, registered?: (master: number) => void): void {
    const result = (e.data?.result ?? {}) as Record<string, unknown>;
    const event = e.janus === 'hangup' ? 'webrtc_hangup' : String(result.event ?? e.data?.error ?? e.janus);
    const work = async () => {
      switch (event) {
        case 'registered':
          if (registered) {
            await this.store.phone.setTrunkStatus(line.trunk.id, 'registered', null);
            registered(handle);
          }
          return;
        case 'registration_failed':
          await this.store.phone.setTrunkStatus(
            line.trunk.id,
            'failed',
            `${String(result.code ?? '')} ${String(result.reason ?? '')}`.trim(),
          );
          registered?.(0);
          return;
        case 'incomingcall':
          return this.incoming(line, handle, result, e.jsep);
        case 'accepted':
          return this.outboundAnswered(handle, e.jsep);
        case 'hangup':
          return this.remoteHangup(handle);
        default:
          if (e.data?.error) this.log.warn({ trunkId: line.trunk.id, error: e.data.error }, 'gateway error');
      }
    };
    work().catch((err) => this.log.warn({ err, event }, 'phone event failed'));
  }

  /** An INVITE for one of the trunk's numbers: a call in the number's queue, or a clear refusal. */
  private async incoming(
    line: Line,
    handle: number,
    r: Record<string, unknown>,
    offer?: Jsep,
  ): Promise<void> {
    const client = this.client!;
    const decline = (code: number, why: string) => {
      this.log.info({ trunkId: line.trunk.id, code, why }, 'phone call refused');
      return client.message(line.session, handle, { request: 'decline', code });
    };
    const caller = sipUser(String(r.username ?? ''));
    const dialled = sipUser(String(r.callee ?? ''));
    if (!this.invites.take(caller || 'anonymous')) return decline(486, 'too many calls from this number');
    if (!offer) return decline(488, 'no SDP offer');
    const number = await this.store.phone.numberOnTrunk(line.trunk.id, dialled);
    if (!number) return decline(404, 'no such number');
    const accountId = number.account_id;
    const skillId = number.skill_id ?? firstChoice(number)?.skillId ?? null;
    if (!(await this.openNow(number, skillId))) return decline(480, 'after hours');
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
    if (view.state === 'ended') return decline(480, 'no agent takes calls now');
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
    const contact = body.contactId ? await this.store.contacts.get(accountId, body.contactId) : undefined;
    const to = contact ? contact.phone : (body.number ?? null);
    if (!to) throw badRequest('contactId: this contact has no phone number', 'no_phone');
    const numbers = await this.store.phone.numbers(accountId);
    const from = body.fromNumberId ? numbers.find((n) => n.id === body.fromNumberId) : numbers[0];
    if (!from)
      throw body.fromNumberId
        ? notFound('phone number')
        : new AppError(409, 'no_number', 'set up a phone number first');
    const line = this.lines.get(from.trunk_id);
    const busy = new Set(this.byHandle.keys());
    const handle = line && [line.master, ...line.handles].find((h) => h !== 0 && !busy.has(h));
    if (!line || !handle)
      throw new AppError(409, 'trunk_unavailable', 'the trunk is not registered, or all its lines are busy');
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
    const row = await this.calls.phoneDial(caller, conversation.id, to);
    const live: LiveCall = { accountId, callId: row.id, session: line.session, handle, connected: false };
    live.dial = { uri: `sip:${to}@${bracket(line.trunk.host)}`, from: from.number };
    this.live.set(row.id, live);
    this.byHandle.set(handle, live);
    this.marks.hold(accountId, row.id, 'v');
    return this.calls.view(row);
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
    const body = live.connected ? { request: 'hangup' } : { request: 'decline', code: 480 };
    void this.client?.message(live.session, live.handle, body).catch(() => {});
  }

  private async outboundAnswered(handle: number, answer?: Jsep): Promise<void> {
    const live = this.byHandle.get(handle);
    if (!live || !answer) return;
    live.connected = true;
    const call = await this.store.calls.get(live.accountId, live.callId);
    if (!call) return;
    this.calls.relayToAgent(call, { callId: call.id, leg: Number(call.leg), description: answer });
    await this.calls.accept('visitor', live.accountId, live.callId);
  }

  /** The caller hung up (or the trunk ended the call). */
  private async remoteHangup(handle: number): Promise<void> {
    const live = this.byHandle.get(handle);
    if (!live) return;
    this.forget(live);
    await this.calls.hangup('visitor', live.accountId, live.callId);
  }

  private forget(live: LiveCall): void {
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
