import {
  type AttachmentType,
  MAX_FILE_NAME_LENGTH,
  normaliseContentType,
} from '@beckon/protocol/chat-attachments';

const startsWith = (bytes: Buffer, sig: readonly number[], at = 0) =>
  bytes.length >= at + sig.length && sig.every((b, i) => bytes[at + i] === b);
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

/**
 * The type a file really is, from its first bytes (the signatures of the formats we accept), or
 * undefined for anything else. A client's `Content-Type` is a claim; this is the check.
 */
export function sniffType(bytes: Buffer): AttachmentType | undefined {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(bytes, ascii('GIF87a')) || startsWith(bytes, ascii('GIF89a'))) return 'image/gif';
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'image/webp';
  if (startsWith(bytes, ascii('%PDF-'))) return 'application/pdf';
  return undefined;
}

/** Whether the bytes are what the client said they are (after normalising the claim). */
export function matchesClaim(bytes: Buffer, claimed: string | undefined): boolean {
  const sniffed = sniffType(bytes);
  return sniffed !== undefined && sniffed === normaliseContentType(claimed);
}

// Control characters, and the bidirectional overrides that make "evil\u202Efdp.exe" read as "evilexe.pdf".
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * A file name fit to store and show: percent-decoded (headers carry only ASCII), without control
 * or bidi-override characters, trimmed, at most 200 characters with its extension kept. Markup in
 * a name stays as it is — it is data, and clients show it as text.
 */
export function cleanFileName(raw: string | undefined, fallback = 'attachment'): string {
  let name = raw ?? '';
  try {
    name = decodeURIComponent(name);
  } catch {
    // not percent-encoded: keep it as sent
  }
  name = name.replace(UNSAFE, '').trim();
  const chars = [...name];
  if (chars.length > MAX_FILE_NAME_LENGTH) {
    const dot = chars.lastIndexOf('.');
    const ext = dot > 0 && chars.length - dot <= 10 ? chars.slice(dot) : [];
    name = [...chars.slice(0, MAX_FILE_NAME_LENGTH - ext.length), ...ext].join('');
  }
  return name || fallback;
}
