import type { User } from '@beckon/protocol/api';
import { expandCannedText } from '@beckon/protocol/canned-text';
import type { Conversation } from '@beckon/protocol/chat-api';
import type { Macro, MacroRun, MacroStep } from '@beckon/protocol/macros';
import { isSupervisor, type StaffCaller } from '../conversations/agent-chat-service.ts';
import type { ChatModule } from '../conversations/chat-module.ts';
import { cleanText } from '../conversations/visitor-chat-service.ts';
import { AppError, badRequest } from '../errors.ts';
import { newId } from '../ids.ts';
import type { Store } from '../store/store.ts';

/** What a run will do, every part already checked. */
interface Plan {
  reply?: string;
  tags?: string[];
  state?:
    | { state: 'open' }
    | { state: 'pending' }
    | { state: 'resolved' }
    | { state: 'snoozed'; minutes: number };
  assign?: { skillId: string; name: string } | { agentId: string; name: string };
}

const closedError = () => new AppError(409, 'conversation_closed', 'the conversation is closed');
const notYours = () => new AppError(403, 'not_assigned', 'this conversation is not assigned to you');

/** Why a macro's actions cannot go together (a 400 to throw), else null; checked when it is saved. */
export function macroFault(actions: Macro['actions']): AppError | null {
  if (actions.status !== undefined && actions.snoozeMinutes !== undefined)
    return badRequest('a macro sets a status or snoozes, not both', 'invalid_macro');
  if (actions.status === 'resolved' && actions.assign)
    return badRequest('a macro that resolves the conversation cannot also assign it', 'invalid_macro');
  return null;
}

/**
 * Runs a macro on a conversation, all or nothing as far as can be known beforehand: every action
 * is checked first (the conversation is open and the caller's, the skill or agent it assigns to
 * still exists and can take it, the reply is not empty once its variables are filled), and a
 * fault refuses the whole run with a message naming what is wrong. Then, in order: the reply
 * (through the writer, so it reaches the customer's channel like any reply), the tags, the status
 * or snooze, the assignment — each through the service the console's buttons use.
 */
export class MacroRunner {
  constructor(
    private readonly store: Store,
    private readonly chat: ChatModule,
  ) {}

  async run(
    caller: StaffCaller,
    conversationId: string,
    macroId: string,
    now = Date.now(),
  ): Promise<MacroRun> {
    const user = await this.chat.agents.profile(caller);
    const macro = await this.store.macros.get(caller.accountId, macroId, user.id);
    const conv = await this.chat.agents.visible(caller, conversationId);
    const plan = await this.plan(caller, user, macro, conv);
    const runId = newId('mrun');
    const steps = await this.apply(caller, user, conv, plan, runId);
    await this.store.macros.recordRun(
      caller.accountId,
      { id: runId, macroId: macro.id, agentId: user.id, conversationId: conv.id },
      now,
    );
    const conversation = await this.store.conversations.get(caller.accountId, conv.id);
    return { id: runId, macroId: macro.id, steps: steps.done, replySeq: steps.replySeq, conversation };
  }

  /** Checks every action against the conversation as it stands; throws the first fault, changing nothing. */
  private async plan(caller: StaffCaller, user: User, macro: Macro, c: Conversation): Promise<Plan> {
    const a = macro.actions;
    const fault = macroFault(a);
    if (fault) throw fault;
    if (c.status === 'closed') throw closedError();
    const holds = c.status === 'active' && (c.assignedAgentId === user.id || c.joinedAgentId === user.id);
    if (!holds && !isSupervisor(caller)) throw notYours();
    const plan: Plan = {};
    if (a.reply !== undefined) {
      if (!holds) throw notYours();
      const text = cleanText(
        expandCannedText(a.reply, {
          visitor: { name: c.visitorName, email: c.visitorEmail },
          agent: { name: user.name },
        }),
      ).trim();
      if (text.length === 0) throw badRequest('the text is empty', 'empty_text');
      plan.reply = text;
    }
    if (a.tags) plan.tags = [...new Set(a.tags.map((tag) => cleanText(tag).trim()).filter(Boolean))];
    if (a.snoozeMinutes !== undefined) plan.state = { state: 'snoozed', minutes: a.snoozeMinutes };
    else if (a.status) plan.state = { state: a.status };
    if (a.assign && 'skillId' in a.assign) {
      const skill = await this.store.skills.get(caller.accountId, a.assign.skillId).catch(() => undefined);
      if (!skill)
        throw new AppError(
          409,
          'macro_skill_deleted',
          `macro “${macro.name}” assigns to a skill that was deleted; edit the macro to choose another`,
        );
      plan.assign = { skillId: skill.id, name: skill.name };
    } else if (a.assign) {
      const agent = await this.store.users.get(caller.accountId, a.assign.agentId).catch(() => undefined);
      if (!agent || agent.role === 'analyst')
        throw new AppError(
          409,
          'macro_agent_deleted',
          `macro “${macro.name}” assigns to an agent who is no longer on the team; edit the macro to choose another`,
        );
      if (agent.id !== c.assignedAgentId) {
        if (!isSupervisor(caller) && agent.status !== 'online')
          throw new AppError(
            409,
            'agent_unavailable',
            `${agent.name} is not online; the macro changed nothing`,
          );
        if (
          !isSupervisor(caller) &&
          !(await this.store.assignment.hasRoom(caller.accountId, agent.id, agent.capacity))
        )
          throw new AppError(
            409,
            'capacity',
            `${agent.name} has no free chat slot; the macro changed nothing`,
          );
        plan.assign = { agentId: agent.id, name: agent.name };
      }
    }
    return plan;
  }

  private async apply(
    caller: StaffCaller,
    user: User,
    c: Conversation,
    plan: Plan,
    runId: string,
  ): Promise<{ done: MacroStep[]; replySeq: number | null }> {
    const { accountId } = caller;
    const { chat, store } = this;
    const done: MacroStep[] = [];
    let replySeq: number | null = null;
    if (plan.reply !== undefined) {
      const r = await chat.writer.append({
        accountId,
        conversationId: c.id,
        sender: { kind: 'agent', agentId: user.id, name: user.name, supervisor: isSupervisor(caller) },
        echoId: `macro:${runId}`,
        text: plan.reply,
      });
      if (!r.ok) throw r.error;
      replySeq = r.message.seq;
      done.push({ type: 'reply', detail: plan.reply });
    }
    if (plan.tags && plan.tags.length > 0) {
      const fresh = await store.conversations.addTags(accountId, c.id, plan.tags);
      await chat.announcer.updated(accountId, fresh);
      done.push({ type: 'tags', detail: plan.tags.join(', ') });
    }
    const state = plan.state;
    if (state?.state === 'resolved') {
      await chat.agents.close(caller, c.id, {});
      done.push({ type: 'status', detail: 'resolved' });
    } else if (state?.state === 'snoozed') {
      const until = new Date(Date.now() + state.minutes * 60_000).toISOString();
      await chat.agents.setState(caller, c.id, { state: 'snoozed', until });
      done.push({ type: 'snooze', detail: `until ${until}` });
    } else if (state) {
      await chat.agents.setState(caller, c.id, { state: state.state });
      done.push({ type: 'status', detail: state.state });
    }
    if (plan.assign) {
      const { name, ...target } = plan.assign;
      await chat.agents.transfer(caller, c.id, target);
      done.push({ type: 'assign', detail: name });
    }
    return { done, replySeq };
  }
}
