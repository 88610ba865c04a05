import { request } from './http.ts';

/** The account's away reasons, in the order the status switch lists them. */
export async function getAwayReasons(): Promise<string[]> {
  return (await request<{ reasons: string[] }>('GET', '/api/v1/account/away-reasons')).reasons;
}

export async function saveAwayReasons(reasons: string[]): Promise<string[]> {
  return (await request<{ reasons: string[] }>('PUT', '/api/v1/account/away-reasons', { body: { reasons } }))
    .reasons;
}
