/** An error that reaches the client as `{ error: { code, message } }` with an HTTP status. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/** A reason a node cannot start that its operator fixes by configuration: `beckon` prints it as one line. */
export class StartupError extends Error {
  override name = 'StartupError';
}

export const notFound = (what = 'resource') => new AppError(404, 'not_found', `${what} not found`);
export const conflict = (message: string) => new AppError(409, 'conflict', message);
export const badRequest = (message: string, code = 'invalid_request') => new AppError(400, code, message);
export const forbidden = (message = 'you are not allowed to do this') =>
  new AppError(403, 'forbidden', message);
export const unauthorized = (message = 'sign in first') => new AppError(401, 'unauthorized', message);
