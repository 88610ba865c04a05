import type { Campaign } from '@beckon/protocol';
import type { CompiledNode } from './condition-compiler.ts';
import { fmix32, fnv1a32 } from './control-group.ts';

/** Whether a campaign has a trained uplift model now (injected by the server); without one the mode targets everyone. */
export type UpliftModelCheck = (campaignId: string) => boolean;

/**
 * True when this visitor is in the holdout of a campaign's uplift mode: targeted without the uplift
 * filter, so the mode is measured against it. Drawn independently of the control group.
 */
export function inUpliftHoldout(visitorId: string, campaignId: string, holdout: number): boolean {
  return holdout > 0 && fmix32(fnv1a32(`${visitorId}\u0000${campaignId}\u0000uplift`)) / 4294967296 < holdout;
}

/** Whether a campaign runs in the "engage only where predicted uplift is positive" mode. */
export function usesUpliftMode(campaign: Campaign): boolean {
  return campaign.uplift?.mode === 'positive_only';
}

/**
 * A campaign's condition narrowed to visitors whose predicted uplift is positive, except its holdout
 * and while it has no model. The uplift is set with the score, so a visitor whose uplift turns
 * positive qualifies then (Field.Score).
 */
export function upliftFiltered(
  node: CompiledNode,
  campaign: Campaign,
  hasModel: UpliftModelCheck,
): CompiledNode {
  const inner = node.test;
  const id = campaign.id;
  const holdout = campaign.uplift?.holdout ?? 0;
  return {
    test: (s, n) => {
      if (!inner(s, n)) return false;
      if (!hasModel(id) || inUpliftHoldout(s.visitorId, id, holdout)) return true;
      const u = s.uplift?.get(id);
      return u !== undefined && u > 0;
    },
    // Time cannot change a predicted uplift: when only the uplift is missing, wait for a new one.
    nt: (s, n) => (inner(s, n) ? Number.POSITIVE_INFINITY : node.nt(s, n)),
    nf: node.nf,
    timed: node.timed,
  };
}
