import { connect } from 'node:net';

/**
 * The loopback port 1, where every connection is refused. A port freed by closing a test's own
 * server is not safe for this: the system hands it to the next server that listens on port 0, in
 * this process or another test's, and a request meant to be refused reached that server instead
 * (a broadcast's SMS was answered). Port 1 is below the range such servers are given.
 */
export async function refusedUrl(): Promise<string> {
  const port = 1;
  const refused = await new Promise<boolean>((done) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      done(false);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => done(err.code === 'ECONNREFUSED'));
  });
  if (!refused)
    throw new Error(`127.0.0.1:${port} accepts or drops connections; these tests need it to refuse them`);
  return `http://127.0.0.1:${port}`;
}
