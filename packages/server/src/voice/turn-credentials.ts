import { createHmac } from 'node:crypto';
import type { IceServer } from '@beckon/protocol/call-protocol';
import type { VoiceConfig } from './voice-config.ts';

const isTurn = (url: string) => url.startsWith('turn:') || url.startsWith('turns:');

/**
 * The ICE servers one party of a call gets. TURN entries without their own credentials get
 * time-limited ones by the TURN REST convention coturn supports (`use-auth-secret`):
 * `username = "<expiry unix seconds>:<id>"`, `credential = base64(HMAC-SHA1(secret, username))`.
 * coturn recomputes the HMAC with the same secret and refuses the name once its time is past.
 */
export function iceServersFor(config: VoiceConfig, id: string, now = Date.now()): IceServer[] {
  const secret = config.turnSecret;
  return config.iceServers.map((server) => {
    const urls = Array.isArray(server.urls) ? server.urls : [server.urls];
    if (!secret || server.credential || !urls.some(isTurn)) return server;
    const username = `${Math.floor((now + config.turnTtlMs) / 1000)}:${id}`;
    const credential = createHmac('sha1', secret).update(username).digest('base64');
    return { urls: server.urls, username, credential };
  });
}
