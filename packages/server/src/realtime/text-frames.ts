import { WebSocket } from 'ws';

/** The parts of a `ws` server socket the fast path reads (ws 8; see `fastPathOf`). */
interface WsInternals {
  _isServer: boolean;
  _extensions: Record<string, unknown>;
  _socket: { write(chunk: Buffer): boolean };
  _sender: { _state: number; _queue: unknown[]; _firstFragment: boolean };
}

/** The sender's idle state in ws 8 (`DEFAULT` in lib/sender.js): nothing compressing or queued. */
const SENDER_IDLE = 0;
/** FIN + text opcode: a whole text message in one frame. */
const FIN_TEXT = 0x81;

/** What `sendText` sends on: a `ws` WebSocket, or anything with its `readyState` and `send` (a fake). */
export interface TextSocket {
  readonly readyState: number;
  send(data: string): void;
}

/** Sockets checked once: true when their frames may be written straight to the TCP socket. */
const checked = new WeakMap<TextSocket, boolean>();

/**
 * Whether `ws` is a socket this module can frame for: a server socket (its frames are not masked)
 * with no extension negotiated (every endpoint turns permessage-deflate off), whose internals look
 * as ws 8 has them. Anything else goes through `ws.send`.
 */
function fastPathOf(ws: TextSocket): boolean {
  let ok = checked.get(ws);
  if (ok === undefined) {
    const w = ws as unknown as Partial<WsInternals>;
    ok =
      w._isServer === true &&
      typeof w._extensions === 'object' &&
      w._extensions !== null &&
      Object.keys(w._extensions).length === 0 &&
      typeof w._socket?.write === 'function' &&
      typeof w._sender?._state === 'number' &&
      Array.isArray(w._sender._queue) &&
      typeof w._sender._firstFragment === 'boolean';
    checked.set(ws, ok);
  }
  return ok;
}

/**
 * Sends `text` as one text message, when the socket is open (else nothing).
 *
 * `ws.send` builds an options object whose first key is computed (a symbol); V8 then defines
 * each of its eight properties through a runtime call, about a tenth of a busy chat node's
 * socket-thread instructions (two frames a chat line). A server frame without extensions is a
 * 2-, 4- or 10-byte header and the UTF-8 payload: written here in one buffer and one `write`,
 * while the sender is idle (it always is without compression: nothing of ours sends blobs or
 * fragments), so frames stay in order with the ones `ws` itself sends (pongs, close).
 */
export function sendText(ws: TextSocket, text: string): void {
  if (ws.readyState !== WebSocket.OPEN) return;
  const w = ws as unknown as WsInternals;
  const sender = w._sender;
  if (
    !fastPathOf(ws) ||
    sender._state !== SENDER_IDLE ||
    sender._queue.length > 0 ||
    !sender._firstFragment
  ) {
    ws.send(text);
    return;
  }
  const length = Buffer.byteLength(text);
  const header = length < 126 ? 2 : length < 65536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(header + length);
  frame[0] = FIN_TEXT;
  if (header === 2) frame[1] = length;
  else if (header === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(0, 2);
    frame.writeUInt32BE(length, 6);
  }
  frame.write(text, header);
  w._socket.write(frame);
}
