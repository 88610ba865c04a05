import { createPrivateKey, type KeyObject, sign } from 'node:crypto';

/** JSON Web Tokens as the push providers want them: RS256 for Google's OAuth, ES256 for APNs. */

const b64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');

/** A compact JWS of `claims`, signed with `key`. ES256 uses the raw r‖s signature JOSE requires. */
export function signJwt(
  alg: 'RS256' | 'ES256',
  key: KeyObject,
  claims: Record<string, unknown>,
  kid?: string,
): string {
  const header = { alg, typ: 'JWT', ...(kid ? { kid } : {}) };
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  const signature =
    alg === 'RS256'
      ? sign('sha256', Buffer.from(input), key)
      : sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
  return `${input}.${b64url(signature)}`;
}

/** A PEM private key, or an error naming what is wrong with it. */
export function privateKeyOf(pem: string, what: string): KeyObject {
  try {
    return createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    throw new Error(`${what} is not a PEM private key`);
  }
}
