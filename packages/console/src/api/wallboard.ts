import type { Wallboard } from '@beckon/protocol/wallboard-api';
import { request } from './http.ts';

export type { Wallboard, WallboardAgent, WallboardSkill } from '@beckon/protocol/wallboard-api';

/** The wallboard now, "today" counted in the time zone `tz`. */
export const getWallboard = (tz: string) =>
  request<Wallboard>('GET', `/api/v1/wallboard?${new URLSearchParams({ tz })}`);
