import type { PhoneMenu } from '@beckon/protocol/phone-api';
import type { HandleEvent, JanusClient, Jsep } from './janus-client.ts';
import { promptsIn } from './phone-prompts.ts';

/** The phone hub's plugin at the gateway: `scripts/janus/beckon-phone.lua` in Janus's Lua plugin. */
export const HUB_PLUGIN = 'janus.plugin.beckonphone';

/** What the hub plays to a caller: spoken text, the hold music (looped), silence or a tone (seconds). */
export type HubItem = { say: string } | { music: true } | { silence: number } | { tone: number };

/** How long the hub may take to answer a request (ms). */
const ANSWER_MS = 10_000;

/**
 * One handle of the phone hub: the caller's leg (the SIP plugin's handle of the call is its WebRTC
 * peer, inside the gateway) or an agent's leg (the agent's browser). Through it Beckon asks the hub
 * to speak a prompt, play music, record a message; the hub reports key presses (`dtmf`), the end
 * of what it played (`played`) and a finished recording. Media stays in the gateway.
 */
export class HubLeg {
  private readonly waiters = new Set<(e: HandleEvent | null) => void>();
  /** Waits that outlive the caller's hang-up (the recording comes after it). */
  private readonly recordingWaiters = new Set<(e: HandleEvent | null) => void>();
  private played = 0;
  private recorded: HandleEvent | null = null;
  private closed = false;
  /** The caller hung up (the SIP side ended); the leg may still hand over a recording. */
  callerGone = false;
  private onGone: Array<() => void> = [];

  private constructor(
    private readonly client: JanusClient,
    readonly session: number,
    readonly handle: number,
  ) {}

  private static async attach(client: JanusClient, session: number): Promise<HubLeg> {
    let leg: HubLeg | undefined;
    const handle = await client.attach(session, HUB_PLUGIN, (e) => leg?.receive(e));
    leg = new HubLeg(client, session, handle);
    return leg;
  }

  /** Answers the gateway's offer of a phone call: the hub's answer, for the SIP plugin's `accept`. */
  static async caller(
    client: JanusClient,
    session: number,
    call: string,
    offer: Jsep,
  ): Promise<{ leg: HubLeg; answer: Jsep }> {
    const leg = await HubLeg.attach(client, session);
    const answered = leg.next((e) => e.jsep?.type === 'answer', ANSWER_MS);
    await client.message(session, leg.handle, { request: 'caller', call }, offer);
    const e = await answered;
    if (!e?.jsep) {
      await leg.close();
      throw new Error('the phone hub did not answer the call');
    }
    return { leg, answer: e.jsep };
  }

  /**
   * A leg for the agent who answers `call`: the hub's offer, for the agent's console. A `consult`
   * leg is the next agent of a warm transfer: it talks to the first agent, not yet to the caller.
   */
  static async agent(
    client: JanusClient,
    session: number,
    call: string,
    consult = false,
  ): Promise<{ leg: HubLeg; offer: Jsep }> {
    const leg = await HubLeg.attach(client, session);
    const offered = leg.next((e) => e.jsep?.type === 'offer', ANSWER_MS);
    await client.message(session, leg.handle, { request: 'agent', call, ...(consult ? { consult } : {}) });
    const e = await offered;
    if (!e?.jsep) {
      await leg.close();
      throw new Error('the phone hub made no offer');
    }
    return { leg, offer: e.jsep };
  }

  /** Plays `items` in turn (replacing what played before); resolves when they are over. */
  play(items: HubItem[], lang = 'en'): Promise<boolean> {
    const id = `p${++this.played}`;
    const over = this.next((e) => e.data?.event === 'played' && e.data.id === id, 5 * 60_000);
    void this.send({ request: 'play', id, items, lang });
    return over.then((e) => e !== null);
  }

  /** Plays `items` and does not wait for them (the music loops until something else plays). */
  loop(items: HubItem[], lang = 'en'): void {
    void this.send({ request: 'play', id: `p${++this.played}`, items, lang });
  }

  /** The next key the caller presses, or null when none comes in `ms` (or the caller hung up). */
  async digit(ms: number): Promise<string | null> {
    const e = await this.next((x) => x.data?.event === 'dtmf', ms);
    return e ? String(e.data!.digit) : null;
  }

  /** A key the gateway reported another way (a SIP INFO), handled as if the hub heard it. */
  press(digit: string): void {
    this.receive({ janus: 'event', data: { event: 'dtmf', digit } });
  }

  /** Records what the caller says, for at most `seconds`, until `recording()` or the hang-up. */
  record(seconds: number): void {
    void this.send({ request: 'record', seconds });
  }

  /** The recording, as a WAV, once the hub finished it (at most `ms` to wait). */
  async recording(ms: number): Promise<{ wav: Buffer; ms: number } | null> {
    const waiting = this.recorded
      ? Promise.resolve(this.recorded)
      : this.next((x) => x.data?.event === 'recording', ms, true);
    void this.send({ request: 'stop_record' });
    const done = await waiting;
    if (!done?.data) return null;
    return { wav: Buffer.from(String(done.data.wav), 'base64'), ms: Number(done.data.ms) };
  }

  /**
   * Who hears whom in the call: `talk` (the caller and the agent), `hold` (nobody: the caller
   * hears what plays), `consult` (the agent and the next agent). `promote` makes the next agent
   * the call's agent (a completed warm transfer).
   */
  mode(mode: 'talk' | 'hold' | 'consult', promote = false): Promise<void> {
    return this.send({ request: 'mode', mode, ...(promote ? { promote } : {}) });
  }

  /** The agent's console answered the hub's offer. */
  answer(jsep: Jsep): Promise<void> {
    return this.client.message(this.session, this.handle, { request: 'answer' }, jsep);
  }

  trickle(candidate: object | null): Promise<void> {
    return this.client.trickle(this.session, this.handle, candidate);
  }

  /** The caller hung up or the leg closed: nothing more is played or heard. */
  get ended(): boolean {
    return this.closed || this.callerGone;
  }

  /** The caller hung up: waits for keys and prompts end; a recording may still come. */
  gone(): void {
    if (this.callerGone) return;
    this.callerGone = true;
    for (const w of [...this.waiters]) if (!this.recordingWaiters.has(w)) w(null);
    for (const f of this.onGone.splice(0)) f();
  }

  /** Resolves when the caller hangs up, or after `ms`. */
  hungUp(ms: number): Promise<void> {
    if (this.ended) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      timer.unref();
      this.onGone.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Ends the leg: its waits resolve with nothing, the hub forgets it. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const w of [...this.waiters]) w(null);
    for (const f of this.onGone.splice(0)) f();
    await this.client.detach(this.session, this.handle);
  }

  private send(body: object): Promise<void> {
    if (this.closed) return Promise.resolve();
    return this.client.message(this.session, this.handle, body).catch(() => {});
  }

  private receive(e: HandleEvent): void {
    // The hub finishes a recording by itself when the caller hangs up: keep it for `recording()`.
    if (e.data?.event === 'recording') this.recorded = e;
    for (const w of [...this.waiters]) w(e);
  }

  /** The next event that matches, or null after `ms` or when the leg closes. */
  private next(
    match: (e: HandleEvent) => boolean,
    ms: number,
    afterGone = false,
  ): Promise<HandleEvent | null> {
    return new Promise<HandleEvent | null>((resolve) => {
      if (this.closed || (this.callerGone && !afterGone)) return resolve(null);
      const done = (e: HandleEvent | null) => {
        if (e && !match(e)) return;
        clearTimeout(timer);
        this.waiters.delete(done);
        this.recordingWaiters.delete(done);
        resolve(e);
      };
      const timer = setTimeout(() => done(null), ms);
      timer.unref();
      this.waiters.add(done);
      if (afterGone) this.recordingWaiters.add(done);
    });
  }
}

/**
 * The key of a SIP INFO (`application/dtmf-relay`: `Signal=5`, `application/dtmf`: `5`), or null
 * when it carries none.
 */
export function infoDigit(type: string, content: string): string | null {
  const t = type.toLowerCase();
  const m =
    t === 'application/dtmf-relay'
      ? /^\s*signal\s*=\s*([0-9*#])\s*$/im.exec(content)
      : t === 'application/dtmf'
        ? /^\s*([0-9*#])\s*$/.exec(content)
        : null;
  return m?.[1] ?? null;
}

/** How a caller's turn in a menu ended, for `beckon_phone_menu_total{outcome}`. */
export type MenuOutcome = 'chosen' | 'no_match' | 'timeout' | 'fallback' | 'hangup';

/** What the menu says, in `lang`: its greeting, then each choice ("For Sales, press 1."). */
export function menuPrompt(menu: PhoneMenu, lang = 'en'): string {
  const p = promptsIn(lang);
  const choices = menu.choices.map((c) =>
    p.choice(c.label, c.digit === '*' ? p.star : c.digit === '#' ? p.hash : c.digit),
  );
  return [menu.greeting.trim(), ...choices].join(' ');
}

/** Misses (a key that matches no choice, or no key) before the call goes to the first choice. */
export const MENU_MISSES = 2;
/** How long the menu waits for a key after its prompt ends (ms). */
export const MENU_WAIT_MS = 6_000;

/**
 * Runs a menu on a caller's leg: the prompt, a key; a key that matches no choice or none in
 * time plays the prompt again; after `MENU_MISSES` misses the call goes to the first choice.
 * Each step is counted. Null when the caller hung up.
 */
export async function runMenu(
  leg: HubLeg,
  menu: PhoneMenu,
  count: (outcome: MenuOutcome) => void,
  waitMs = MENU_WAIT_MS,
  lang = 'en',
): Promise<string | null> {
  const prompt = menuPrompt(menu, lang);
  const sorry = promptsIn(lang).notAChoice;
  for (let miss = 0; miss < MENU_MISSES; miss++) {
    // A key counts while the prompt plays, and for `waitMs` after it.
    const key = leg.digit(10 * 60_000);
    const said = leg.play([{ say: miss === 0 ? prompt : `${sorry} ${prompt}` }], lang);
    const digit = await Promise.race([
      key,
      said.then(() =>
        Promise.race([key, new Promise<null>((r) => setTimeout(() => r(null), waitMs).unref())]),
      ),
    ]);
    if (leg.ended) {
      count('hangup');
      return null;
    }
    const choice = digit ? menu.choices.find((c) => c.digit === digit) : undefined;
    if (choice) {
      count('chosen');
      return choice.skillId;
    }
    count(digit ? 'no_match' : 'timeout');
  }
  count('fallback');
  return menu.choices[0]!.skillId;
}
