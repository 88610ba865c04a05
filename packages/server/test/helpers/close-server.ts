import type { Server } from 'node:http';

/**
 * Stops a stand-in HTTP server now. `close()` alone waits for every connection a client keeps
 * alive, and one still in a request (a long poll, a download the test left stalled) held a test
 * file open for a minute after its last test.
 */
export function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
