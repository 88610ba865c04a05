import type { ServerResponse } from 'node:http';

/** A file a local provider server holds for a test, and how it sends it. */
export interface HostedFile {
  bytes: Buffer;
  contentType: string;
  /** `chunked`: sent without a Content-Length, as a streaming sender does; `stall`: starts, then never ends. */
  framing?: 'length' | 'chunked' | 'stall';
  /** The provider answers this status instead of the bytes (an expired URL, an outage). */
  status?: number;
}

/**
 * The media a local provider server hosts (WhatsApp media, Telegram files, Twilio MMS, Messenger
 * attachment URLs): tests add files, the server sends them as the provider does, and records
 * every download so a test can see a file over the limit was never fetched.
 */
export class MediaFiles {
  private readonly files = new Map<string, HostedFile>();
  readonly downloads: string[] = [];
  private n = 0;

  add(file: HostedFile, id = `${Date.now().toString(36)}${++this.n}`): string {
    this.files.set(id, file);
    return id;
  }

  get(id: string): HostedFile | undefined {
    return this.files.get(id);
  }

  /** Sends a hosted file (404 when unknown); answers whether one was sent. */
  send(res: ServerResponse, id: string): void {
    const f = this.files.get(id);
    this.downloads.push(id);
    if (!f) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
      return;
    }
    if (f.status) {
      res.writeHead(f.status, { 'content-type': 'text/plain' });
      res.end('unavailable');
      return;
    }
    if (f.framing === 'stall') {
      res.writeHead(200, { 'content-type': f.contentType, 'content-length': String(f.bytes.length) });
      res.write(f.bytes.subarray(0, 8));
      return;
    }
    if (f.framing === 'chunked') {
      res.writeHead(200, { 'content-type': f.contentType, 'transfer-encoding': 'chunked' });
      // In small pieces, as a slow CDN would: the receiver must stop at its limit, not at the end.
      const step = 16 * 1024;
      for (let at = 0; at < f.bytes.length; at += step) res.write(f.bytes.subarray(at, at + step));
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': f.contentType, 'content-length': String(f.bytes.length) });
    res.end(f.bytes);
  }
}

/** A JPEG of `size` bytes: a real JPEG header followed by padding (the type is read from the first bytes). */
export function bigJpeg(size: number, head: Buffer): Buffer {
  const out = Buffer.alloc(size, 0);
  head.copy(out, 0, 0, Math.min(head.length, size));
  return out;
}
