import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { addressGroup } from '@glint/media-core';
import { Type } from 'typebox';
import type { Session } from '../../accounts/accounts.ts';
import { MAX_DISPLAY_NAME_LENGTH, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../../accounts/accounts.ts';
import { PlatformError } from '../../errors.ts';
import { LoginThrottle } from '../../limits/login-throttle.ts';
import { RateBuckets } from '../../limits/rate-buckets.ts';
import { clearSessionCookie, requireUser, sessionToken, setSessionCookie } from '../auth-context.ts';
import type { RouteContext } from '../route-context.ts';
import { Closed, errors, Login, PlainText, UserReply } from '../schemas.ts';

const tags = ['accounts'];

const SessionReply = Type.Object(
  {
    user: UserReply,
    token: Type.String({
      description: 'the session token, shown only here: send it as "Authorization: Bearer <token>"',
    }),
    expiresAt: Type.Integer({ description: 'when the session ends, in ms since the Unix epoch' }),
  },
  { additionalProperties: false },
);

const Password = PlainText({
  minLength: MIN_PASSWORD_LENGTH,
  maxLength: MAX_PASSWORD_LENGTH,
  description: `${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters, no control characters`,
});

const SignupBody = Closed({
  login: Login,
  password: Password,
  displayName: Type.Optional(
    PlainText({
      minLength: 1,
      maxLength: MAX_DISPLAY_NAME_LENGTH,
      description: `the name shown to viewers, 1 to ${MAX_DISPLAY_NAME_LENGTH} characters; the login when left out`,
    }),
  ),
});

/** Log-in takes any password up to the maximum: the rules for a new one say nothing about an old account's. */
const LoginBody = Closed({ login: Login, password: Type.String({ minLength: 1, maxLength: MAX_PASSWORD_LENGTH }) });

const MeReply = Type.Object(
  {
    user: UserReply,
    channel: Type.Union([
      Type.Object(
        { name: Type.String(), title: Type.String(), category: Type.String(), language: Type.String() },
        { additionalProperties: false },
      ),
      Type.Null(),
    ]),
  },
  { additionalProperties: false },
);

const badCredentials = () =>
  new PlatformError(401, 'BAD_CREDENTIALS', 'that login and password do not match an account; check both and retry');

/** Sign-up, log-in, log-out and who am I. A session is the cookie for browsers and the same token as Bearer. */
export const authRoutes: FastifyPluginAsyncTypebox<RouteContext> = async (app, { platform, limits }) => {
  const throttle = new LoginThrottle(limits.loginThrottle, platform.deps.nowMs);
  const signups = new RateBuckets({ max: limits.signupsPerHourPerIp, windowMs: 3600_000, nowMs: platform.deps.nowMs });
  const sessionReply = (session: Session) => ({
    user: session.user,
    token: session.token,
    expiresAt: session.expiresAt,
  });

  app.post(
    '/auth/signup',
    {
      schema: {
        tags,
        summary: 'Create an account and its channel, and log in',
        description:
          'The channel is named after the login. Sets the session cookie and returns the same token. An address ' +
          'may create a limited number of accounts per hour (429 TOO_MANY_SIGNUPS with Retry-After).',
        body: SignupBody,
        response: { 201: SessionReply, ...errors(400, 409, 413, 415, 429) },
      },
    },
    async (request, reply) => {
      const { login, password, displayName } = request.body;
      const waitMs = signups.take(addressGroup(request.ip));
      if (waitMs > 0) {
        const sec = Math.ceil(waitMs / 1000);
        throw new PlatformError(
          429,
          'TOO_MANY_SIGNUPS',
          `too many accounts created from your address; try again in ${Math.ceil(sec / 60)} min`,
          sec,
        );
      }
      const user = await platform.signUp(login, password, displayName);
      const session = await platform.accounts.openSession(user);
      setSessionCookie(reply, session, platform.deps.nowMs(), limits.secureCookies);
      return reply.code(201).send(sessionReply(session));
    },
  );

  app.post(
    '/auth/login',
    {
      schema: {
        tags,
        summary: 'Log in with a login and password',
        description:
          'Sets the session cookie and returns the same token. Failed attempts are limited per address and per ' +
          'login; past the limit the answer is 429 TOO_MANY_ATTEMPTS with Retry-After.',
        security: [],
        body: LoginBody,
        response: { 200: SessionReply, ...errors(400, 401, 413, 415, 429) },
      },
    },
    async (request, reply) => {
      const { login, password } = request.body;
      const attempt = throttle.attempt(login, request.ip);
      if (!attempt.allowed) {
        const sec = Math.ceil(attempt.retryAfterMs / 1000);
        platform.deps.logger.warn({ login, address: request.ip }, 'log-in refused: too many failed attempts');
        throw new PlatformError(
          429,
          'TOO_MANY_ATTEMPTS',
          `too many failed log-ins; try again in ${sec} s, or reset your password`,
          sec,
        );
      }
      let session: Session | null;
      try {
        session = await platform.accounts.logIn(login, password);
      } catch (error) {
        attempt.settle('abandoned');
        throw error;
      }
      attempt.settle(session ? 'succeeded' : 'failed');
      if (!session) throw badCredentials();
      setSessionCookie(reply, session, platform.deps.nowMs(), limits.secureCookies);
      return reply.code(200).send(sessionReply(session));
    },
  );

  app.post(
    '/auth/logout',
    {
      schema: {
        tags,
        summary: 'End this session',
        description:
          'Deletes the session the request carries (cookie or Bearer) and clears the cookie; 204 also when none.',
        response: { 204: Type.Null({ description: 'logged out' }), ...errors(429) },
      },
    },
    async (request, reply) => {
      const token = sessionToken(request);
      if (token !== undefined) await platform.accounts.logOut(token);
      clearSessionCookie(reply, limits.secureCookies);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/me',
    {
      schema: {
        tags,
        summary: 'The signed-in user and their channel',
        response: { 200: MeReply, ...errors(401, 429) },
      },
    },
    async (request) => {
      const user = requireUser(request);
      const channel = await platform.channels.get(user.login);
      return {
        user,
        channel: channel && {
          name: channel.name,
          title: channel.title,
          category: channel.category,
          language: channel.language,
        },
      };
    },
  );
};
