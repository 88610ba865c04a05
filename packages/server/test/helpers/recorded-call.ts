import assert from 'node:assert/strict';
import { CallRequests } from '@beckon/sdk/call-requests';
import { connectAgent, cookieFor, eventually, startVisitor } from './chat-fixtures.ts';
import type { TestServer } from './test-server.ts';

/**
 * A visitor starts a web chat and calls from the browser; the sales agent takes the chat, answers
 * and records (the site must record calls). The recorded chunk is a WebM header followed by
 * `spoken`, as speech would carry a name. Everyone hangs up and leaves; answers the call's id.
 */
export async function recordedCall(
  srv: TestServer,
  visitor: { visitorId: string; name: string; email?: string },
  spoken: string,
): Promise<string> {
  const agent = await connectAgent(srv, 'sales@demo.beckon.local');
  const auth = await cookieFor(srv, 'sales@demo.beckon.local');
  const chat = await startVisitor(srv, { ...visitor, skillId: srv.demo!.skillIds.sales });
  const id = chat.conversation.id;
  await eventually(() => agent.offers.has(id), 5000, 'offer');
  await agent.accept(id);
  const ringing = new CallRequests(agent.frames as never).nextCall((c) => c.state === 'ringing');
  await new CallRequests(chat.frames as never).start();
  const call = await ringing;
  await new CallRequests(agent.frames as never).accept(call.id);
  const audio = Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3]), Buffer.from(` ${spoken} `.repeat(50))]);
  const sent = await fetch(`${srv.url}/api/v1/calls/${call.id}/recording/chunks?seq=0`, {
    method: 'POST',
    body: audio,
    headers: { cookie: auth.cookie, 'x-csrf-token': auth.csrf, 'content-type': 'audio/webm;codecs=opus' },
  });
  assert.equal(sent.status, 201, await sent.text());
  await new CallRequests(agent.frames as never).hangup(call.id);
  await agent.close(id);
  await chat.close();
  await agent.disconnect();
  return call.id;
}
