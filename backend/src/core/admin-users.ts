// Account administration, shared by the admin API and the CLI: create, list,
// change, disable, delete. Admins are users whose role is admin, plus every
// address in ADMIN_EMAILS.
import { randomBytes } from 'node:crypto';
import { PasswordHasher, passwordLengthProblem } from '../auth/passwords.js';
import type { Config } from '../config/config.js';
import { normalizeEmail, normalizeUsername } from '../mail/addresses.js';
import { conflict, forbidden, invalid, notFound } from '../shared/app-error.js';
import { DuplicateKey, type MailStore } from '../storage/mail-store.js';
import type { AccountChange, AccountRecord } from '../storage/records.js';
import { createUser } from './accounts.js';
import type { EventBus } from './event-bus.js';
import type { LocalDomains } from './local-domains.js';
import { quotaBytes } from './quota.js';

export interface AdminDeps {
  config: Config;
  store: Pick<MailStore, 'users' | 'accounts'>;
  hasher: PasswordHasher;
  events: EventBus;
  domains: LocalDomains;
}

export interface AccountDto {
  id: number;
  username: string;
  email: string;
  name: string | null;
  role: 'user' | 'admin';
  enabled: boolean;
  /** the effective quota (0: unlimited) and whether it is the default */
  quota_mb: number;
  quota_is_default: boolean;
  used_bytes: number;
  used_mb: number;
  created_at: string;
}

export function isAdmin(config: Config, user: { role: string; email: string }): boolean {
  return user.role === 'admin' || config.adminEmails.includes(user.email.toLowerCase());
}

export function presentAccount(config: Config, a: AccountRecord): AccountDto {
  return {
    id: a.id,
    username: a.username ?? a.email,
    email: a.email,
    name: a.name,
    role: isAdmin(config, a) ? 'admin' : 'user',
    enabled: a.enabled,
    quota_mb: a.quotaMb ?? config.quota.defaultMb,
    quota_is_default: a.quotaMb === null,
    used_bytes: a.usedBytes,
    used_mb: Math.round((a.usedBytes / 1024 / 1024) * 100) / 100,
    created_at: a.createdAt.toISOString(),
  };
}

/** The account named by its address or its username. */
export async function findAccount(deps: Pick<AdminDeps, 'store'>, emailOrUsername: string): Promise<AccountRecord> {
  let account: AccountRecord | null = null;
  if (emailOrUsername.includes('@')) {
    const email = normalizeEmail(emailOrUsername);
    account = email ? await deps.store.accounts.findByEmail(email) : null;
  } else {
    const username = normalizeUsername(emailOrUsername);
    account = username ? await deps.store.accounts.findByUsername(username) : null;
  }
  if (!account) throw notFound(`user ${emailOrUsername}`);
  return account;
}

export interface NewAccount {
  email: string;
  /** default: the address's local part, while nobody has it */
  username?: string | null;
  password?: string;
  name?: string | null;
  role?: 'user' | 'admin';
  quotaMb?: number | null;
  enabled?: boolean;
}

/**
 * Creates an account; without a password one is generated and returned once.
 * An admin creating an account decides that its domain is local.
 */
export async function createAccount(deps: AdminDeps, input: NewAccount): Promise<{ account: AccountRecord; generatedPassword: string | null }> {
  const generatedPassword = input.password === undefined ? randomBytes(12).toString('base64url') : null;
  const user = await createUser(deps, {
    email: input.email, username: input.username, password: input.password ?? generatedPassword!, name: input.name, role: input.role,
  });
  await deps.domains.add(user.email.slice(user.email.lastIndexOf('@') + 1));
  let account = (await deps.store.accounts.findById(user.id))!;
  if (input.quotaMb !== undefined || input.enabled === false) {
    account = await deps.store.accounts.update(user.id, { quotaMb: input.quotaMb, enabled: input.enabled });
  }
  deps.events.publish('user.created', { user: { id: account.id, email: account.email, role: account.role } });
  return { account, generatedPassword };
}

export interface AccountUpdate {
  email?: string;
  name?: string | null;
  password?: string;
  role?: 'user' | 'admin';
  quotaMb?: number | null;
  enabled?: boolean;
}

/**
 * Applies a change made by `actor` (null: the operator's shell). A user may
 * change their own email, name and password; role, quota and enabled are for
 * admins only, and an admin cannot demote or disable themselves.
 */
export async function updateAccount(
  deps: AdminDeps, actor: { id: number; role: string; email: string } | null, email: string, update: AccountUpdate,
): Promise<AccountRecord> {
  const target = await findAccount(deps, email);
  const actorIsAdmin = actor === null || isAdmin(deps.config, actor);
  if (actor && !actorIsAdmin) {
    if (actor.id !== target.id) throw forbidden('forbidden', 'only an admin may change other users');
    if (update.role !== undefined) throw forbidden('role_change_forbidden', 'you cannot change your own role');
    if (update.quotaMb !== undefined || update.enabled !== undefined) {
      throw forbidden('admin_only_field', 'quota_mb and enabled are changed by an admin');
    }
  }
  if (actor && actor.id === target.id && actorIsAdmin && (update.role === 'user' || update.enabled === false)) {
    throw conflict('cannot_change_self', 'an admin cannot demote or disable their own account');
  }
  const change: AccountChange = {};
  if (update.email !== undefined) {
    const next = normalizeEmail(update.email);
    if (!next) throw invalid('invalid_email', 'email must be a plain address like name@example.com');
    if (next !== target.email) {
      if (await deps.store.accounts.findByEmail(next)) throw conflict('email_taken', 'an account with this email already exists');
      change.email = next;
    }
  }
  if (update.password !== undefined) {
    const problem = passwordLengthProblem(update.password);
    if (problem) throw invalid('invalid_password', problem);
    change.passwordHash = await deps.hasher.hash(update.password);
  }
  if (update.name !== undefined) change.name = update.name?.trim() || null;
  if (update.role !== undefined) change.role = update.role;
  if (update.quotaMb !== undefined) change.quotaMb = update.quotaMb;
  if (update.enabled !== undefined) change.enabled = update.enabled;
  if (Object.keys(change).length === 0) return target;
  try {
    return await deps.store.accounts.update(target.id, change);
  } catch (err) {
    if (err instanceof DuplicateKey) throw conflict('email_taken', 'an account with this email already exists');
    throw err;
  }
}

/** Deletes the account, all its mail, and the blobs only it referenced. */
export async function deleteAccount(deps: AdminDeps, actor: { id: number } | null, email: string): Promise<AccountRecord> {
  const target = await findAccount(deps, email);
  if (actor && actor.id === target.id) throw conflict('cannot_delete_self', 'an admin cannot delete their own account');
  await deps.store.accounts.delete(target.id);
  return target;
}

/** Percentage of the quota used, or null when unlimited. */
export function quotaUsage(config: Config, a: AccountRecord): number | null {
  const limit = quotaBytes(a.quotaMb, config.quota.defaultMb);
  return limit === null ? null : Math.round((a.usedBytes / limit) * 1000) / 10;
}

/** Makes the configured ADMIN_EMAILS admins in the database too (at start-up). */
export function syncConfiguredAdmins(deps: Pick<AdminDeps, 'config' | 'store'>): Promise<number> {
  return deps.store.accounts.promoteAll(deps.config.adminEmails);
}
