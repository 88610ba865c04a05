import type { StoreKind } from './connect.ts';

/**
 * What one store can do that the other cannot, as flags with defaults, so repositories never
 * branch on the store kind itself.
 */
export interface StoreCapabilities {
  /** `SELECT … FOR [NO KEY] UPDATE` row locks (PostgreSQL). SQLite runs one writer transaction at a time instead. */
  rowLocks: boolean;
}

/** The capability flags of a store kind. */
export function capabilitiesOf(kind: StoreKind): StoreCapabilities {
  return { rowLocks: kind === 'postgres' };
}
