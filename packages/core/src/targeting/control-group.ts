/** 32-bit FNV-1a over UTF-16 code units. */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** murmur3's finalizer: spreads FNV's weak low-bit mixing over all 32 bits. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A stable draw in [0, 1) for this visitor and campaign: the same pair always lands in the same arm. */
export function controlDraw(visitorId: string, campaignId: string): number {
  return fmix32(fnv1a32(`${visitorId}\u0000${campaignId}`)) / 4294967296;
}

/** True when this visitor is held out as control for this campaign (shown nothing, but recorded). */
export function isControl(visitorId: string, campaignId: string, controlShare: number): boolean {
  return controlShare > 0 && controlDraw(visitorId, campaignId) < controlShare;
}
