import type { User } from '@beckon/protocol/api';
import { expandCannedText } from '@beckon/protocol/canned-text';
import type { Conversation, StateInput } from '@beckon/protocol/chat-api';
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

/** What each action is called in a refusal, so the agent knows which one failed. */
const ACTION_NAMES: Record<MacroStep['type'], string> = {
  reply: 'the reply',
  tags: 'adding the tags',
  status: 'setting the status',
  snooze: 'the snooze',
  assign: 'the assignment',
};

/** A test's seam: runs after each action is applied (a test deletes a skill there, as a colleague might). */
export type AfterStep = (type: MacroStep['type']) => Promise<void>;

/**
 * Runs a macro on a conversation as one unit: all of it or nothing. Every action is checked first
 * (the conversation is open and the caller's, the skill or agent it assigns to still exists and
 * can take it, the reply is not empty once its variables are filled), and a fault refuses the
 * whole run with a message naming the macro and the action. Then, each through the service the
 * console's buttons use: the tags and the status or snooze (both can be taken back), the
 * assignment's target checked again, the reply (through the writer, so it reaches the customer's
 * channel like any reply), the assignment, and a resolve last. When an action fails on the way
 * (a colleague deleted the skill meanwhile, say), the ones applied before it are taken back and
 * the refusal names the action. The reply is the one thing that cannot be taken back, so nothing
 * that can still fail by a check comes after it but the assignment itself.
 */
export class MacroRunner {
  /** Tests only: called after each action that can be taken back is applied. */
  afterStep: AfterStep | undefined;

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
    const steps = await this.apply(caller, user, macro, conv, plan, runId);
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
    macro: Macro,
    c: Conversation,
    plan: Plan,
    runId: string,
  ): Promise<{ done: MacroStep[]; replySeq: number | null }> {
    const { accountId } = caller;
    const { chat, store } = this;
    const done: MacroStep[] = [];
    const undo: Array<() => Promise<unknown>> = [];
    let replySeq: number | null = null;
    let step: MacroStep['type'] = 'tags';
    const applied = async (s: MacroStep) => {
      done.push(s);
      await this.afterStep?.(s.type);
    };
    try {
      if (plan.tags && plan.tags.length > 0) {
        step = 'tags';
        const added = plan.tags.filter((tag) => !c.tags.includes(tag));
        const fresh = await store.conversations.addTags(accountId, c.id, plan.tags);
        undo.push(async () => {
          const back = await store.conversations.removeTags(accountId, c.id, added);
          await chat.announcer.updated(accountId, back);
        });
        await chat.announcer.updated(accountId, fresh);
        await applied({ type: 'tags', detail: plan.tags.join(', ') });
      }
      const state = plan.state;
      if (state && state.state !== 'resolved') {
        step = state.state === 'snoozed' ? 'snooze' : 'status';
        const before: StateInput =
          c.state === 'snoozed' && c.snoozedUntil
            ? { state: 'snoozed', until: c.snoozedUntil }
            : { state: c.state === 'pending' ? 'pending' : 'open' };
        if (state.state === 'snoozed') {
          const until = new Date(Date.now() + state.minutes * 60_000).toISOString();
          await chat.agents.setState(caller, c.id, { state: 'snoozed', until });
          undo.push(() => chat.agents.setState(caller, c.id, before));
          await applied({ type: 'snooze', detail: `until ${until}` });
        } else {
          await chat.agents.setState(caller, c.id, { state: state.state });
          undo.push(() => chat.agents.setState(caller, c.id, before));
          await applied({ type: 'status', detail: state.state });
        }
      }
      if (plan.assign) {
        // Checked again: the skill or agent may have gone since the plan, and the reply goes next.
        step = 'assign';
        await this.plan(caller, user, { ...macro, actions: { assign: macro.actions.assign } }, c);
      }
      if (plan.reply !== undefined) {
        step = 'reply';
        const r = await chat.writer.append({
          accountId,
          conversationId: c.id,
          sender: { kind: 'agent', agentId: user.id, name: user.name, supervisor: isSupervisor(caller) },
          echoId: `macro:${runId}`,
          text: plan.reply,
        });
        if (!r.ok) throw r.error;
        replySeq = r.message.seq;
        await applied({ type: 'reply', detail: plan.reply });
      }
    } catch (err) {
      await this.takeBack(undo);
      throw refusal(macro, step, err);
    }
    if (plan.assign) {
      const { name, ...target } = plan.assign;
      await chat.agents.transfer(caller, c.id, target);
      done.push({ type: 'assign', detail: name });
    }
    if (plan.state?.state === 'resolved') {
      await chat.agents.close(caller, c.id, {});
      done.push({ type: 'status', detail: 'resolved' });
    }
    return { done, replySeq };
  }

  /** Takes back the actions applied, last first; one that cannot be taken back is logged by its caller's error. */
  private async takeBack(undo: Array<() => Promise<unknown>>): Promise<void> {
    for (const fn of undo.reverse()) await fn();
  }
}

/** A failed action as the agent reads it: the macro, the action, and why; nothing of the run stays. */
function refusal(macro: Macro, step: MacroStep['type'], err: unknown): AppError {
  const why = err instanceof AppError ? err : undefined;
  const reason = why?.message ?? (err as Error).message;
  const named = reason.includes(`“${macro.name}”`) ? reason : `macro “${macro.name}”: ${reason}`;
  return new AppError(
    why?.status && why.status < 500 ? why.status : 409,
    why?.code ?? 'macro_failed',
    `${named} (${ACTION_NAMES[step]}); the macro changed nothing`,
  );
}
