/** Why a request to a configured URL did not get a whole answer. */
export type EgressErrorCode =
  /** The URL is not http(s), or not a URL. */
  | 'invalid_url'
  /** The host is, or resolves only to, an address the policy refuses. */
  | 'private_address'
  /** The name did not resolve. */
  | 'unresolved'
  | 'connect_timeout'
  /** No answer (status line and headers) before the deadline. */
  | 'timeout'
  /** The answer began but its body did not end before the deadline; `status` says how it began. */
  | 'body_timeout'
  /** The body passed the size cap. */
  | 'too_large'
  /** A redirect where the caller takes none, or more than the cap. */
  | 'redirect'
  | 'aborted'
  /** The connection failed or broke off. */
  | 'network';

/** A refused or failed request to a configured URL; `code` says which, the message says it to a person. */
export class EgressError extends Error {
  /**
   * The whole request had left when this happened (or an answer had begun): the other side may
   * have it and act on it. False when it certainly did not: no address, no connection, a refused
   * TLS handshake, a request cut off before its end.
   */
  requestSent = false;
  /** It failed on a reused kept-alive connection before any answer: the server had closed it. */
  stale = false;

  constructor(
    readonly code: EgressErrorCode,
    message: string,
    /** The answer's status, when one came. */
    readonly status: number | null = null,
    /** The size the answer announced (`content-length`), when that is what was too large. */
    readonly size: number | null = null,
  ) {
    super(message);
    this.name = 'EgressError';
  }
}
