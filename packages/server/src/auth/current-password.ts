import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, badRequest } from '../errors.ts';
import type { Store } from '../store/store.ts';
import { type LoginLimiter, tooManyAttempts } from './login-limiter.ts';
import { verifyPassword } from './passwords.ts';

/**
 * A sensitive change of one's own (password, two-factor) must name the current password, so a
 * session left open (or stolen) cannot take the account over; wrong guesses count as failed
 * sign-ins of the user's e-mail.
 */
export function currentPasswordCheck(store: Store, loginLimiter: LoginLimiter) {
  return async (req: FastifyRequest, reply: FastifyReply, email: string, given: string | undefined) => {
    if (given === undefined)
      throw badRequest('this change needs your current password', 'current_password_required');
    const wait = loginLimiter.retryAfter(req.ip, email);
    if (wait > 0) {
      reply.header('retry-after', String(wait));
      throw tooManyAttempts(wait);
    }
    const found = await store.users.findForLogin(email);
    if (!(await verifyPassword(found?.passwordHash, given))) {
      loginLimiter.fail(req.ip, email);
      throw new AppError(403, 'wrong_current_password', 'the current password is not right');
    }
  };
}
