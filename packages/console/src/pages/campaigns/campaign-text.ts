/**
 * How campaigns are described in words: status, goal, engagement and schedule summaries.
 * The label maps read their text on each lookup (getters), so they follow the user's language.
 */
import type { CampaignGoal, CampaignStatus, Engagement, Schedule, Skill } from '../../api/types.ts';
import { formatNumber } from '../../components/format.ts';
import { t } from '../../i18n/i18n.ts';

export const STATUS_LABELS: Record<CampaignStatus, string> = {
  get active() {
    return t('Active');
  },
  get paused() {
    return t('Paused');
  },
  get draft() {
    return t('Draft');
  },
};

export const STATUS_HINTS: Record<CampaignStatus, string> = {
  get active() {
    return t('Runs now: qualifying visitors are engaged (or held back as control).');
  },
  get paused() {
    return t('Stopped for now; its results are kept and it can be resumed at any time.');
  },
  get draft() {
    return t('Not running yet. Save it as a draft while you work on it.');
  },
};

export const ENGAGEMENT_LABELS: Record<Engagement['type'], string> = {
  get chat_invitation() {
    return t('Chat invitation');
  },
  get chat_button() {
    return t('Chat button');
  },
  get content() {
    return t('Content offer');
  },
  get message() {
    return t('Message (e-mail, app, WhatsApp or SMS)');
  },
  get call() {
    return t('Call button');
  },
  get callback() {
    return t('Callback button');
  },
};

/** Where a message campaign sends, in words. */
export const MESSAGE_CHANNEL_LABELS: Record<'auto' | 'email' | 'app' | 'whatsapp' | 'sms' | 'push', string> =
  {
    get auto() {
      return t('In-app, else e-mail');
    },
    get email() {
      return t('E-mail only');
    },
    get app() {
      return t('In-app only');
    },
    get whatsapp() {
      return t('WhatsApp template');
    },
    sms: 'SMS',
    get push() {
      return t('Push notification (app users who left the app)');
    },
  };

/** Where a campaign runs, as the surfaces picker says it. */
export const SURFACE_LABELS: Record<'web' | 'app' | 'both', string> = {
  get web() {
    return t('Web pages');
  },
  get app() {
    return t('Apps');
  },
  get both() {
    return t('Web pages and apps');
  },
};

export function goalText(goal: CampaignGoal): string {
  return goal.type === 'purchase' ? t('Purchase') : t('Event “{name}”', { name: goal.name });
}

export function engagementText(engagement: Engagement, skills: Skill[] | undefined): string {
  const label = ENGAGEMENT_LABELS[engagement.type];
  if (engagement.type === 'content') return label;
  if (engagement.type === 'message')
    return t('Message · {channel}', { channel: MESSAGE_CHANNEL_LABELS[engagement.channel] });
  const skill = skills?.find((item) => item.id === engagement.skillId);
  return skill ? `${label} · ${skill.name}` : label;
}

/** 0 = Sunday … 6 = Saturday, as the API stores them. */
export const DAY_NAMES: Readonly<Record<number, string>> = {
  get 0() {
    return t('Sun');
  },
  get 1() {
    return t('Mon');
  },
  get 2() {
    return t('Tue');
  },
  get 3() {
    return t('Wed');
  },
  get 4() {
    return t('Thu');
  },
  get 5() {
    return t('Fri');
  },
  get 6() {
    return t('Sat');
  },
};
/** The order days are shown in: Monday first. */
export const WEEK = [1, 2, 3, 4, 5, 6, 0] as const;

const clock = (minute: number) =>
  `${String(Math.floor((minute % 1440) / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

/** "Mon–Fri", "Sat, Sun", "Every day". */
export function daysText(days: readonly number[]): string {
  const set = new Set(days);
  if (set.size === 7) return t('Every day');
  const ordered = WEEK.filter((day) => set.has(day));
  // Collapse runs of consecutive days (in Monday-first order) into ranges.
  const parts: string[] = [];
  let i = 0;
  while (i < ordered.length) {
    let j = i;
    while (j + 1 < ordered.length && WEEK.indexOf(ordered[j + 1]!) === WEEK.indexOf(ordered[j]!) + 1) j++;
    const first = DAY_NAMES[ordered[i]!];
    const last = DAY_NAMES[ordered[j]!];
    parts.push(j - i >= 2 ? `${first}–${last}` : j > i ? `${first}, ${last}` : first);
    i = j + 1;
  }
  return parts.join(', ');
}

/** "Always", or "Mon–Fri 09:00–17:00 (Europe/Paris)". */
export function scheduleText(schedule: Schedule | undefined): string {
  if (!schedule) return t('Always');
  const allDay = schedule.startMinute === 0 && schedule.endMinute === 1440;
  const hours = allDay ? t('all day') : `${clock(schedule.startMinute)}–${clock(schedule.endMinute)}`;
  return `${daysText(schedule.days)} ${hours} (${schedule.timeZone.replaceAll('_', ' ')})`;
}

/** "10 %" from a 0–0.9 share. */
export function percentText(share: number): string {
  return `${formatNumber(Math.round(share * 1000) / 10)} %`;
}
