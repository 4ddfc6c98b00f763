// register, login, me: the account stories.
import { PasswordHasher, passwordLengthProblem } from '../auth/passwords.js';
import type { TokenService } from '../auth/tokens.js';
import { normalizeEmail, normalizeUsername } from '../mail/addresses.js';
import { AppError, conflict, forbidden, invalid, unauthorized } from '../shared/app-error.js';
import { DuplicateKey, type MailStore } from '../storage/mail-store.js';
import type { UserRecord } from '../storage/records.js';
import type { EventBus } from './event-bus.js';
import type { LoginGuard } from './login-guard.js';
import type { RegistrationPolicy } from './registration.js';

/** An address as accounts store it (lower-cased, plain), or null: also the key of per-address limits. */
export { normalizeEmail };

export interface AccountDeps {
  store: Pick<MailStore, 'users'>;
  hasher: PasswordHasher;
  tokens: TokenService;
  /** when given: user.created and auth.failed are published (webhooks) */
  events?: EventBus;
}

export interface Session {
  token: string;
  user: UserRecord;
}

/** Opens an account when REGISTRATION lets this address register (registration.ts). */
export async function register(
  deps: AccountDeps & { registration: RegistrationPolicy },
  input: { email: string; password: string; name?: string | null },
): Promise<Session> {
  const email = normalizeEmail(input.email);
  if (!email) throw invalid('invalid_email', 'email must be a plain address like name@example.com');
  const problem = passwordLengthProblem(input.password);
  if (problem) throw invalid('invalid_password', problem);
  const user = await deps.registration.admit(email, (role) => createUser(deps, { ...input, email, role }));
  deps.events?.publish('user.created', { user: { id: user.id, email: user.email, role: user.role } });
  return { token: deps.tokens.issue({ userId: user.id, version: user.tokenVersion }), user };
}

export async function createUser(
  deps: Pick<AccountDeps, 'store' | 'hasher'>,
  input: { email: string; password: string; username?: string | null; name?: string | null; role?: 'user' | 'admin' },
): Promise<UserRecord> {
  const email = normalizeEmail(input.email);
  if (!email) throw invalid('invalid_email', 'email must be a plain address like name@example.com');
  const problem = passwordLengthProblem(input.password);
  if (problem) throw invalid('invalid_password', problem);
  if (await deps.store.users.findByEmail(email)) throw conflict('email_taken', 'an account with this email already exists');
  const username = await chooseUsername(deps, email, input.username);
  const passwordHash = await deps.hasher.hash(input.password);
  try {
    return await deps.store.users.create({ email, username, name: input.name?.trim() || null, passwordHash, role: input.role });
  } catch (err) {
    if (!(err instanceof DuplicateKey)) throw err;
    if (username !== null && (await deps.store.users.usernameTaken(username))) throw usernameTaken(username);
    throw conflict('email_taken', 'an account with this email already exists');
  }
}

/** The username asked for, or else the address's local part while nobody has it. */
async function chooseUsername(deps: Pick<AccountDeps, 'store'>, email: string, asked: string | null | undefined): Promise<string | null> {
  if (asked === undefined || asked === null) {
    const local = email.slice(0, email.lastIndexOf('@'));
    return (await deps.store.users.usernameTaken(local)) ? null : local;
  }
  const username = normalizeUsername(asked);
  if (!username) throw invalid('invalid_username', 'a username is what may stand before the @ of an address (letters, digits, . _ - + ...), at most 64 characters');
  if (await deps.store.users.usernameTaken(username)) throw usernameTaken(username);
  return username;
}

const usernameTaken = (username: string) => conflict('username_taken', `the username ${username} is taken`);

/** The same answer, after the same work, for an unknown email and a wrong password. */
export async function verifyCredentials(
  deps: Pick<AccountDeps, 'store' | 'hasher'>,
  email: string,
  password: string,
): Promise<UserRecord | null> {
  const normalized = normalizeEmail(email);
  const user = normalized ? await deps.store.users.findByEmail(normalized) : null;
  if (!user || Buffer.byteLength(password) > 72) {
    await deps.hasher.verifyNobody(password.slice(0, 72));
    return null;
  }
  return (await deps.hasher.verify(password, user.passwordHash)) ? user : null;
}

/** The account a login names, as the login guard counts it (an unknown name counts too). */
export function loginAccountKey(name: string): string {
  return normalizeEmail(name) ?? name.trim().toLowerCase().slice(0, 320);
}

export async function login(
  deps: AccountDeps & { logins: LoginGuard }, input: { email: string; password: string; remoteAddress?: string | null },
): Promise<Session> {
  const outcome = await deps.logins.attempt(input.remoteAddress ?? '', loginAccountKey(input.email), () =>
    verifyCredentials(deps, input.email, input.password),
  );
  if (!outcome.ok && outcome.reason !== 'failed') {
    throw new AppError('rateLimited', 'rate_limited', 'too many failed sign-ins, try again later', {
      retryAfterSeconds: Math.ceil(outcome.retryAfterMs / 1000),
    });
  }
  const user = outcome.ok ? outcome.user : null;
  if (!user) {
    deps.events?.publish('auth.failed', { username: input.email, remoteAddress: input.remoteAddress ?? null, via: 'http' });
    throw unauthorized('invalid_credentials', 'wrong email or password');
  }
  // Only after the right password, so this tells a stranger nothing.
  if (!user.enabled) throw forbidden('account_disabled', 'this account is disabled');
  await rehashIfOutdated(deps, user, input.password);
  return { token: deps.tokens.issue({ userId: user.id, version: user.tokenVersion }), user };
}

/**
 * A hash of another scheme or other parameters (PASSWORD_HASH changed) is
 * made again now that the password is at hand. The old hash still works, so
 * a failure here does not fail the login.
 */
async function rehashIfOutdated(deps: Pick<AccountDeps, 'store' | 'hasher'>, user: UserRecord, password: string): Promise<void> {
  if (!deps.hasher.needsRehash(user.passwordHash)) return;
  try {
    await deps.store.users.setPasswordHash(user.id, await deps.hasher.hash(password));
  } catch {
    // kept: the next login tries again
  }
}

/** Resolves a bearer token to its user, or null when the token or the user is gone. */
export async function authenticateToken(deps: AccountDeps, token: string): Promise<UserRecord | null> {
  const claims = deps.tokens.verify(token);
  const user = claims ? await deps.store.users.findById(claims.userId) : null;
  // A disabled account's tokens stop working at once; so do those from before a password change.
  return user?.enabled && user.tokenVersion === claims!.version ? user : null;
}
