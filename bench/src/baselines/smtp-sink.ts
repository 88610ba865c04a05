// Baseline for W8's SMTP part: an `smtp-server` that accepts every mail and throws it away,
// set up as Beckon's listener is (no login, no reverse lookup, the same size limit). It reads
// the bytes and answers 250 at once: the practical limit of one Node process for SMTP here.
// Run as a child process: prints `listening PORT` on stdout.
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

const server = new SMTPServer({
  name: 'sink.bench.local',
  banner: 'sink',
  size: 25 * 1024 * 1024,
  authOptional: true,
  disabledCommands: ['AUTH'],
  disableReverseLookup: true,
  logger: false,
  onData(stream, _session, cb) {
    stream.on('data', () => {});
    stream.on('end', () => cb(null, 'OK: discarded'));
  },
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`listening ${(server.server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
