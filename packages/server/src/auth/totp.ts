import { randomInt } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import { renderSVG } from 'uqr';
import { sha256 } from '../ids.ts';

/** RFC 6238 as every authenticator app reads it: SHA-1, 6 digits, 30-second steps. */
const PERIOD_S = 30;
const DIGITS = 6;
/** Steps either side of now that still count, for a phone clock a little off. */
const WINDOW = 1;

const totpOf = (secret: string, label = 'Beckon', issuer = 'Beckon') =>
  new TOTP({
    issuer,
    label,
    algorithm: 'SHA1',
    digits: DIGITS,
    period: PERIOD_S,
    secret: Secret.fromBase32(secret),
  });

/** A new random secret (160 bits, as RFC 4226 recommends), in base32 as apps take it. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** What an app scans: the `otpauth://` URL and the same as an SVG QR code. */
export function totpEnrolment(
  secret: string,
  email: string,
  issuer: string,
): { otpauthUrl: string; qrSvg: string } {
  const otpauthUrl = totpOf(secret, email, issuer).toString();
  return { otpauthUrl, qrSvg: renderSVG(otpauthUrl, { ecc: 'M', border: 2 }) };
}

/** The code for the step holding `atMs` (tests and the RFC 6238 vectors). */
export function totpCode(secret: string, atMs: number): string {
  return totpOf(secret).generate({ timestamp: atMs });
}

/**
 * The 30-second step a code belongs to, within one step of now, or null when it matches none.
 * The caller accepts it only for a step later than the last one used, so a code works once.
 */
export function totpStep(secret: string, code: string, nowMs: number): number | null {
  const digits = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(digits)) return null;
  const delta = totpOf(secret).validate({ token: digits, timestamp: nowMs, window: WINDOW });
  return delta === null ? null : Math.floor(nowMs / 1000 / PERIOD_S) + delta;
}

const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** Ten one-time recovery codes (`xxxxx-xxxxx`, 50 bits each), shown once. */
export function newRecoveryCodes(count = 10): string[] {
  const part = () =>
    Array.from({ length: 5 }, () => RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)]).join('');
  return Array.from({ length: count }, () => `${part()}-${part()}`);
}

/** How a recovery code is stored and looked up: case and spaces do not matter. */
export function recoveryCodeHash(code: string): string {
  return sha256(`beckon-recovery:${code.toLowerCase().replace(/[^a-z0-9]/g, '')}`);
}
