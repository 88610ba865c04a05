// Baseline for W9: a Fastify endpoint that takes a WhatsApp webhook delivery as Beckon's does
// (raw body, the same 1 MB limit), checks its X-Hub-Signature-256 with the same function, and
// answers 200 without storing anything: the practical limit of one Node process for signed
// webhooks here. Run as a child process with SECRET set: prints `listening PORT` on stdout.
import Fastify from 'fastify';
import { validSignature } from '../../../packages/server/src/channels/whatsapp/whatsapp-webhook.ts';

const secret = process.env.SECRET ?? '';
const app = Fastify({ logger: false });
app.removeAllContentTypeParsers();
app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 1024 * 1024 }, (_req, body, done) =>
  done(null, body),
);
app.post('/hooks/whatsapp/:id', async (req, reply) => {
  const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  if (!validSignature(secret, raw, req.headers['x-hub-signature-256']))
    return reply.code(401).send({ error: { code: 'unauthorized', message: 'bad signature' } });
  return { ok: true };
});
const address = await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`listening ${new URL(address).port}\n`);
process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
