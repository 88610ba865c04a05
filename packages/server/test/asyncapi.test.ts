import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import {
  AgentClientFrame,
  AgentServerFrame,
  VisitorClientFrame,
  VisitorServerFrame,
} from '@beckon/protocol/chat-protocol';
import { ClientFrameSchema, ServerFrameSchema } from '@beckon/protocol/visitor-protocol';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import type { TSchema } from 'typebox';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

type Doc = {
  asyncapi: string;
  channels: Record<string, { address: string; messages: Record<string, { $ref: string }> }>;
  operations: Record<string, { action: string; channel: { $ref: string }; messages: { $ref: string }[] }>;
  components: { messages: Record<string, { name: string; payload: object }> };
};

const require = createRequire(import.meta.url);
/** The AsyncAPI initiative's own JSON Schema of a 3.0.0 document. */
const asyncApiSchema = require('@asyncapi/specs/schemas/3.0.0.json') as object;

function validator() {
  // The specs bundle its own draft-07 meta-schema: Ajv's copy would be a second one.
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, meta: false });
  addFormats.default(ajv);
  return ajv.compile(asyncApiSchema);
}

const typesOf = (union: TSchema) =>
  (union as unknown as { anyOf: { properties: { type: { const: string } } }[] }).anyOf.map(
    (m) => m.properties.type.const,
  );

/** Follows a local `$ref` (`#/a/b/c`) inside the document. */
const resolve = (doc: object, ref: string): unknown =>
  ref
    .slice(2)
    .split('/')
    .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], doc);

describe('AsyncAPI document of the sockets', () => {
  let srv: TestServer;
  let doc: Doc;
  before(async () => {
    srv = await startTestServer();
    const res = await fetch(`${srv.url}/api/asyncapi.json`);
    assert.equal(res.status, 200);
    doc = (await res.json()) as Doc;
  });
  after(() => srv.close());

  it('is a valid AsyncAPI 3.0 document, served without signing in', () => {
    const validate = validator();
    assert.equal(doc.asyncapi, '3.0.0');
    assert.equal(validate(doc), true, JSON.stringify(validate.errors?.slice(0, 5), null, 2));
  });

  it('is refused by the same validator when broken, so the check above means something', () => {
    const validate = validator();
    const broken = structuredClone(doc) as unknown as { channels: Record<string, Record<string, unknown>> };
    broken.channels.chat!.address = 42;
    assert.equal(validate(broken), false);
  });

  it('lists every frame type of every socket, both ways, with its schema', () => {
    const sockets = [
      { key: 'visitor', address: '/v1/visitor', client: ClientFrameSchema, server: ServerFrameSchema },
      { key: 'chat', address: '/v1/chat', client: VisitorClientFrame, server: VisitorServerFrame },
      { key: 'agent', address: '/v1/agent', client: AgentClientFrame, server: AgentServerFrame },
    ];
    for (const s of sockets) {
      const channel = doc.channels[s.key]!;
      assert.equal(channel.address, s.address);
      for (const [side, union] of [
        ['client', s.client],
        ['server', s.server],
      ] as const) {
        for (const type of typesOf(union)) {
          const entry = channel.messages[`${side}.${type}`];
          assert.ok(entry, `${s.address}: ${side} frame '${type}' is documented`);
          const message = resolve(doc, entry.$ref) as { name: string; payload: { properties: object } };
          assert.equal(message.name, type);
          assert.ok('type' in message.payload.properties, `${type} has a payload schema`);
        }
      }
    }
  });

  it('has a receive and a send operation per socket whose messages resolve to its channel', () => {
    for (const key of ['visitor', 'chat', 'agent']) {
      const receive = doc.operations[`${key}FromClient`]!;
      const send = doc.operations[`${key}ToClient`]!;
      assert.equal(receive.action, 'receive');
      assert.equal(send.action, 'send');
      for (const op of [receive, send]) {
        assert.equal(op.channel.$ref, `#/channels/${key}`);
        for (const m of op.messages) {
          assert.ok(m.$ref.startsWith(`#/channels/${key}/messages/`));
          assert.ok(resolve(doc, m.$ref), `${m.$ref} resolves`);
        }
      }
    }
  });

  it('documents the close codes', () => {
    const text = doc.channels.chat!.messages && JSON.stringify(doc);
    for (const code of [1009, 4400, 4401, 4403, 4408, 4429]) assert.ok(text.includes(`- ${code}: `));
  });
});
