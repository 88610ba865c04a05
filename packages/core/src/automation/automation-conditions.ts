import type { AutomationCondition } from '@beckon/protocol/automation-api';

/**
 * Decides whether an automation rule's conditions hold for one event. Every condition must hold
 * (AND); a rule without conditions always fires. A fact the event does not carry (no contact, no
 * text, no score) fails the condition that asks for it, so a rule never acts on a guess. Pure: the
 * caller gathers the facts (and whether the skill is open now) from the store.
 */
export interface AutomationFacts {
  channel: string | null;
  skillId: string | null;
  siteId: string | null;
  /** The contact's attributes, when the conversation has a contact. */
  contactAttributes: Readonly<Record<string, unknown>> | null;
  /** The message's text, or a rating's comment. */
  text: string | null;
  /** Whether the conversation's skill is within business hours now (a skill without hours is open). */
  open: boolean;
  /** The visitor's purchase propensity, 0 to 1, when the model knows one. */
  score: number | null;
  /** The conversation's intent and sentiment (assist), when classified. */
  intent?: string | null;
  sentiment?: string | null;
}

const asText = (v: unknown): string | null =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : null;

/** Whether one condition holds. */
export function conditionHolds(c: AutomationCondition, f: AutomationFacts): boolean {
  switch (c.type) {
    case 'channel':
      return f.channel !== null && (c.in as readonly string[]).includes(f.channel);
    case 'skill':
      return f.skillId !== null && c.in.includes(f.skillId);
    case 'site':
      return f.siteId !== null && c.in.includes(f.siteId);
    case 'contact_attribute': {
      if (!f.contactAttributes || !Object.hasOwn(f.contactAttributes, c.key)) return false;
      const v = f.contactAttributes[c.key];
      if (c.op === 'exists') return v !== null && v !== undefined && v !== '';
      const s = asText(v);
      if (s === null) return false;
      const want = c.value ?? '';
      return c.op === 'equals'
        ? s.toLowerCase() === want.toLowerCase()
        : s.toLowerCase().includes(want.toLowerCase());
    }
    case 'text_contains': {
      if (!f.text) return false;
      const text = f.text.toLowerCase();
      return c.any.some((w) => text.includes(w.toLowerCase()));
    }
    case 'business_hours':
      return f.open === c.open;
    case 'purchase_score':
      if (f.score === null) return false;
      return c.op === 'at_least' ? f.score >= c.value : f.score < c.value;
    case 'intent': {
      const intent = f.intent?.toLowerCase();
      return !!intent && c.in.some((i) => i.toLowerCase() === intent);
    }
    case 'sentiment':
      return !!f.sentiment && (c.in as readonly string[]).includes(f.sentiment);
  }
}

/** Whether every condition holds. */
export function conditionsHold(conditions: readonly AutomationCondition[], f: AutomationFacts): boolean {
  return conditions.every((c) => conditionHolds(c, f));
}
