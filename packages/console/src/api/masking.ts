/** What the account masks in messages before they are stored. */
import type { MaskingSettings } from '@beckon/protocol/masking-api';
import { request } from './http.ts';

export type { MaskingSettings, MaskPattern } from '@beckon/protocol/masking-api';

export const fetchMasking = () => request<MaskingSettings>('GET', '/api/v1/account/masking');
export const saveMasking = (body: MaskingSettings) =>
  request<MaskingSettings>('PUT', '/api/v1/account/masking', { body });
