import type { IdentitySettings } from '@beckon/protocol/contacts-api';

/**
 * How a site's server computes the userHash of a signed-in user: HMAC-SHA256 of the user id, keyed
 * by the site's identity secret, in hex. The secret stays on the server; only the hash reaches the
 * page, in `beckon('identify', { userId, … }, { userHash })`.
 */
export function identitySnippets(secret: string): IdentitySettings['snippets'] {
  return {
    node: [
      "import { createHmac } from 'node:crypto';",
      '',
      `const BECKON_IDENTITY_SECRET = '${secret}'; // keep it on the server (e.g. an environment variable)`,
      "const userHash = createHmac('sha256', BECKON_IDENTITY_SECRET).update(String(user.id)).digest('hex');",
    ].join('\n'),
    php: [
      `$beckonIdentitySecret = '${secret}'; // keep it on the server`,
      "$userHash = hash_hmac('sha256', (string) $user->id, $beckonIdentitySecret);",
    ].join('\n'),
    python: [
      'import hashlib, hmac',
      '',
      `BECKON_IDENTITY_SECRET = b"${secret}"  # keep it on the server`,
      'user_hash = hmac.new(BECKON_IDENTITY_SECRET, str(user.id).encode(), hashlib.sha256).hexdigest()',
    ].join('\n'),
    ruby: [
      "require 'openssl'",
      '',
      `BECKON_IDENTITY_SECRET = '${secret}' # keep it on the server`,
      "user_hash = OpenSSL::HMAC.hexdigest('SHA256', BECKON_IDENTITY_SECRET, user.id.to_s)",
    ].join('\n'),
  };
}
