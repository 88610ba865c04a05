import type {
  BroadcastBody,
  BroadcastChannel,
  BroadcastContent,
  BroadcastPatch,
  BroadcastRecipient,
  BroadcastFunnel as ServerFunnel,
  BroadcastView as ServerView,
} from '@beckon/protocol/broadcasts-api';
import { request } from './http.ts';
import type { List } from './types.ts';

export type { BroadcastBody, BroadcastChannel, BroadcastContent, BroadcastPatch, BroadcastRecipient };
export type BroadcastStatus = ServerView['status'];

/** An interval as the lift reports write it: `{ low, high }`, or the pair the campaign report sends. */
export type LiftInterval = { low: number; high: number } | [number, number];

export interface LiftEstimate {
  estimate: number | null;
  ci: LiftInterval | null;
  method: string;
}

/** One side of the send against the holdout. */
export interface LiftArm {
  contacts: number;
  converted: number;
  conversions: number;
  conversionRate: number;
  revenue: number;
  revenuePerContact: number;
}

/** How the send did against its holdout (the campaign lift report's verdicts). */
export interface BroadcastLift {
  attributionWindowDays: number;
  currency: string | null;
  send: LiftArm;
  holdout: LiftArm;
  absoluteLift: LiftEstimate;
  relativeLift: LiftEstimate;
  pValue: number | null;
  significant: boolean;
  enoughData: boolean;
  verdict: 'not_enough_data' | 'treatment_better' | 'control_better' | 'no_significant_difference';
  /** Revenue per contact, send minus holdout, with Welch's interval over each contact's revenue. */
  revenue: { difference: LiftEstimate; pValue: number | null; significant: boolean };
}

/** The funnel, with the clicks and replies measurement adds (absent until the server sends them). */
export type BroadcastFunnel = ServerFunnel & { clicked?: number; replied?: number };

/** A broadcast as the console reads it; `lift` is absent or null until results are measured. */
export type BroadcastView = Omit<ServerView, 'funnel'> & {
  funnel: BroadcastFunnel;
  lift?: BroadcastLift | null;
};

const path = (id: string) => `/api/v1/broadcasts/${encodeURIComponent(id)}`;

export async function listBroadcasts(): Promise<BroadcastView[]> {
  return (await request<List<BroadcastView>>('GET', '/api/v1/broadcasts')).items;
}

export function getBroadcast(id: string): Promise<BroadcastView> {
  return request('GET', path(id));
}

export function createBroadcast(input: BroadcastBody): Promise<BroadcastView> {
  return request('POST', '/api/v1/broadcasts', { body: input });
}

/** Changes a draft, or a scheduled broadcast that has not started; one that has is a 409. */
export function updateBroadcast(id: string, input: BroadcastPatch): Promise<BroadcastView> {
  return request('PATCH', path(id), { body: input });
}

/** Stops a broadcast that has not finished; a finished one answers 409. */
export function cancelBroadcast(id: string): Promise<BroadcastView> {
  return request('POST', `${path(id)}/cancel`);
}

/** A page of recipients in contact id order; pass `next` as `after`. */
export function listRecipients(
  id: string,
  after?: string | null,
  limit = 50,
): Promise<{ items: BroadcastRecipient[]; next: string | null }> {
  const q = new URLSearchParams({ limit: String(limit) });
  if (after) q.set('after', after);
  return request('GET', `${path(id)}/recipients?${q}`);
}
