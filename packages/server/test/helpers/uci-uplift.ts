import { readFileSync } from 'node:fs';
import {
  CONTROL,
  parseUciCsv,
  TREATED,
  toUciLiveDataset,
  trainUplift,
  withUpliftTables,
} from '@beckon/core/model/index';
import type { UpliftUser } from '../../src/scoring/uplift-registry.ts';
import { sharedData } from './shared-data.ts';

/** The real UCI sessions in the live layout, and campaigns `c<seed>` reading uplift models learned on them (every other session as control). */
export function uciUpliftUsers(seeds: readonly number[], rounds: number) {
  const uci = toUciLiveDataset(
    parseUciCsv(readFileSync(sharedData('online_shoppers_intention.csv'), 'utf8')),
  );
  const users: UpliftUser[] = seeds.map((seed) => ({
    campaignId: `c${seed}`,
    model: withUpliftTables(
      trainUplift(
        uci.features,
        uci.features.map((_, i) => ((i + seed) % 2 === 0 ? TREATED : CONTROL)),
        uci.labels,
        { seed, rounds },
      ),
    ),
  }));
  return { sessions: uci.features, users };
}
