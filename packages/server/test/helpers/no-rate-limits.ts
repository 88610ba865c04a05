/**
 * Every rate limit of a node, off ('0'): they protect a node from people, and test and load
 * clients are many sockets from one address, sending faster than a person.
 */
export const NO_RATE_LIMITS: Readonly<Record<string, string>> = Object.fromEntries(
  [
    'BECKON_RATE_VISITOR',
    'BECKON_RATE_ADDRESS',
    'BECKON_RATE_ADDRESS_CONNECT',
    'BECKON_RATE_CHAT_START',
    'BECKON_RATE_CHAT_START_ADDRESS',
    'BECKON_RATE_APP_SESSION_ADDRESS',
    'BECKON_RATE_CHAT_FRAME',
    'BECKON_RATE_CHAT_FRAME_ADDRESS',
    'BECKON_RATE_AGENT_FRAME',
    'BECKON_RATE_AGENT_FRAME_USER',
    'BECKON_MAX_CHAT_SOCKETS_ADDRESS',
    'BECKON_MAX_AGENT_SOCKETS_ADDRESS',
  ].map((k) => [k, '0']),
);
