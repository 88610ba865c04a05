import type { AutomationAction, AutomationStep } from '@beckon/protocol/automation-api';
import { expandCannedText } from '@beckon/protocol/canned-text';
import type { Conversation } from '@beckon/protocol/chat-api';
import type { StaffCaller } from '../conversations/agent-chat-service.ts';
import type { ChatModule } from '../conversations/chat-module.ts';
import { AppError } from '../errors.ts';
import { untilSettled } from '../store/assignment-repo.ts';
import { AUTOMATION_SENDER } from '../store/automation-chain.ts';
import type { StoredRule } from '../store/automation-repo.ts';
import type { Store } from '../store/store.ts';
import { slackBody } from '../webhooks/slack-message.ts';

/** Sends a staff notice by e-mail (the e-mail channel's relay), when one is configured. */
export type StaffMailer = (to: string, subject: string, text: string) => Promise<void>;

/** What one firing acts on. */
export interface Firing {
  rule: StoredRule;
  /** The rules that caused this firing's event, then this rule (stamped on what it writes). */
  chain: readonly string[];
  conversation: Conversation | undefined;
  trigger: string;
  /** The queued event's id: with the rule's, the idempotency key of what the firing sends. */
  eventId: string;
  now: number;
}

const errorText = (err: unknown) =>
  err instanceof AppError ? err.message : err instanceof Error ? err.message : String(err);

/**
 * Performs a rule's actions in order, through the same services the console's buttons use, as
 * the account's automation (a supervisor without a user). Each action's outcome is one step of the
 * run log; a failed action does not stop the next. What a firing sends carries a key made of the
 * event and the rule, so a firing worked twice (a lapsed lease) sends once.
 */
export class AutomationActions {
  /** Set by the e-mail channel when it has a relay. */
  mail: StaffMailer | undefined;

  constructor(
    private readonly store: Store,
    private readonly chat: ChatModule,
    private readonly publicUrl: string,
  ) {}

  async run(f: Firing): Promise<AutomationStep[]> {
    const steps: AutomationStep[] = [];
    for (const a of f.rule.actions) {
      try {
        steps.push({ type: a.type, ok: true, detail: await this.one(a, f) });
      } catch (err) {
        steps.push({ type: a.type, ok: false, detail: errorText(err).slice(0, 300) });
      }
    }
    return steps;
  }

  private async one(a: AutomationAction, f: Firing): Promise<string> {
    const accountId = f.rule.accountId;
    if (a.type === 'send_webhook') return this.webhook(a.endpointId, f);
    if (a.type === 'notify_email') return this.email(a.to, f);
    const c = f.conversation;
    if (!c) throw new Error('no open conversation to act on');
    const caller: StaffCaller = { accountId, role: 'admin' };
    const { chat, store } = this;
    // A rule fires while the router works: a chat may be offered, taken or given back between an
    // action's read and its write; the actions that change who holds it read again and retry.
    switch (a.type) {
      case 'assign_skill': {
        const skill = await store.skills.get(accountId, a.skillId);
        return untilSettled(async () => {
          const now = await store.conversations.get(accountId, c.id);
          if (now.skillId === skill.id && now.status !== 'active') return `already waiting in ${skill.name}`;
          await chat.agents.transfer(caller, c.id, { skillId: skill.id });
          return `assigned to skill ${skill.name}`;
        });
      }
      case 'assign_agent': {
        const agent = await store.users.get(accountId, a.agentId);
        return untilSettled(async () => {
          await chat.agents.transfer(caller, c.id, { agentId: agent.id });
          return `assigned to ${agent.name}`;
        });
      }
      case 'set_priority': {
        const fresh = await store.conversations.setPriority(accountId, c.id, a.priority, f.now);
        await chat.announcer.updated(accountId, fresh, { queue: true });
        return `priority set to ${a.priority}`;
      }
      case 'add_tags': {
        const fresh = await store.conversations.addTags(accountId, c.id, a.tags, f.now);
        await chat.announcer.updated(accountId, fresh);
        return `tagged ${a.tags.join(', ')}`;
      }
      case 'send_canned': {
        const canned = await store.cannedResponses.get(accountId, a.cannedId);
        const text = expandCannedText(canned.text, {
          visitor: { name: c.visitorName, email: c.visitorEmail },
          agent: { name: 'Automation' },
        });
        const r = await chat.writer.append({
          accountId,
          conversationId: c.id,
          sender: {
            kind: 'agent',
            agentId: `${AUTOMATION_SENDER}${f.chain.join(',')}`,
            name: 'Automation',
            supervisor: true,
            automated: true,
          },
          echoId: `auto_${f.eventId}_${f.rule.id}`.slice(0, 100),
          text,
        });
        if (!r.ok) throw r.error;
        return `sent “${canned.title}”`;
      }
      case 'snooze': {
        const until = new Date(f.now + a.minutes * 60_000).toISOString();
        await untilSettled(() => chat.agents.setState(caller, c.id, { state: 'snoozed', until }, f.now));
        return `snoozed until ${until}`;
      }
      case 'resolve':
        return untilSettled(async () => {
          if ((await store.conversations.get(accountId, c.id)).state === 'resolved')
            return 'already resolved';
          await chat.agents.close(caller, c.id, {});
          return 'resolved';
        });
    }
  }

  /** Queues one delivery to one of the account's endpoints (signed, or Slack's body for a Slack one). */
  private async webhook(endpointId: string, f: Firing): Promise<string> {
    const accountId = f.rule.accountId;
    const endpoint = await this.store.webhooks.row(accountId, endpointId);
    const data = {
      ruleId: f.rule.id,
      ruleName: f.rule.name,
      trigger: f.trigger,
      conversationId: f.conversation?.id ?? null,
    };
    const body =
      endpoint.kind === 'slack'
        ? slackBody(
            `:robot_face: Rule *${f.rule.name.replace(/[&<>]/g, '')}* fired${data.conversationId ? ` on \`${data.conversationId}\`` : ''}`,
          )
        : JSON.stringify({ type: 'automation.fired', timestamp: new Date(f.now).toISOString(), data });
    const id = `auto_${f.eventId}_${f.rule.id}`;
    await this.store.webhooks.queueOnce(accountId, endpoint.id, id, 'automation.fired', body, f.now);
    return `webhook queued to ${endpoint.url}`;
  }

  private async email(to: string, f: Firing): Promise<string> {
    if (!this.mail) throw new Error('no outgoing mail server is set (BECKON_SMTP_URL)');
    const c = f.conversation;
    const link = c ? `${this.publicUrl.replace(/\/$/, '')}/console/conversations/history/${c.id}` : null;
    const lines = [
      `The automation rule “${f.rule.name}” fired (${f.trigger}).`,
      ...(c ? ['', `Conversation: ${c.visitorName ?? 'a visitor'} on ${c.channel}`, `Open it: ${link}`] : []),
    ];
    await this.mail(to, `[Beckon] ${f.rule.name}`, lines.join('\n'));
    return `e-mailed ${to}`;
  }
}
