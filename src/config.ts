// The only reader of process.env. Configuration comes from the environment, then from command-line
// flags (which win), is validated once, and start-up stops with one error listing every problem
// (docs/SPEC.md §7).
import path from 'node:path';

export interface Config {
  /** Folder for the SQLite file and uploaded attachments. */
  dataDir: string;
  port: number;
  host: string;
  /** postgres://… to use PostgreSQL; undefined means SQLite at `<dataDir>/leadhook.db`. */
  databaseUrl: string | undefined;
  /** smtp://… or smtps://…; undefined means error emails go to the database outbox. */
  smtpUrl: string | undefined;
  /** Base URL used in links inside emails. */
  publicUrl: string;
  /** CIDRs (or the word `loopback`) that webhooks may reach although they are special-purpose. */
  allowPrivateTargets: string[];
  /** Seconds between attempts; its length + 1 is the number of attempts. */
  retrySchedule: number[];
  /** 0–1: each delay is multiplied by a random factor in [1 - jitter, 1 + jitter]. */
  retryJitter: number;
  deliveryTimeoutMs: number;
  connectTimeoutMs: number;
  errorEmailIntervalS: number;
  autoDisableAfterS: number;
  /** Calls per API key per hour; 0 turns the limit off. */
  apiRateLimit: number;
  /** Requests per client address per minute to the public inspector inboxes; 0 turns the limit off. */
  inboxRateLimit: number;
  /** Requests in flight per webhook. */
  maxInFlightPerWebhook: number;
  /** Requests in flight per account, all its webhooks together (docs/WEBHOOKS.md, "Fairness across accounts"). */
  maxInFlightPerAccount: number;
  /** Webhooks one account may have; creating one more is refused with 409. */
  maxWebhooksPerAccount: number;
  retentionDays: number;
  logLevel: string;
  /** Cookie `Secure` flag for the web UI; on when the public URL is https. */
  secureCookies: boolean;
  /** `serve` runs its delivery worker on its own thread (LEADHOOK_WORKER_THREAD=0: on the API's). */
  workerThread: boolean;
  /** Fastify's trustProxy: false, true (any proxy), trusted proxy addresses/CIDRs, or a hop count. */
  trustProxy: boolean | string[] | ((address: string, hop: number) => boolean);
  /** Password hashes computed at once, and logins allowed to wait for one (docs/SECURITY.md). */
  passwordHashConcurrency: number;
  passwordHashQueue: number;
  /** `POST /auth/signup` creates new accounts (off by default). */
  openSignup: boolean;
}

export const DEFAULT_RETRY_SCHEDULE = [5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400];

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export type ConfigOverrides = Partial<Pick<Config, 'dataDir' | 'port' | 'host' | 'databaseUrl'>>;

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env, overrides: ConfigOverrides = {}): Readonly<Config> {
  const problems: string[] = [];
  const read = new EnvReader(env, problems);

  const port = overrides.port ?? read.integer('PORT', 3000, 0, 65535);
  if (overrides.port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535)) {
    problems.push(`--port must be an integer between 0 and 65535 (got ${String(overrides.port)})`);
  }
  const host = overrides.host ?? env.HOST ?? '127.0.0.1';
  const dataDir = path.resolve(overrides.dataDir ?? env.LEADHOOK_DATA_DIR ?? './data');
  const databaseUrl = overrides.databaseUrl ?? (env.DATABASE_URL || undefined);
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('DATABASE_URL must start with postgres:// or postgresql://');
  }
  const smtpUrl = env.SMTP_URL || undefined;
  if (smtpUrl !== undefined && !/^smtps?:\/\//.test(smtpUrl)) {
    problems.push('SMTP_URL must start with smtp:// or smtps://');
  }
  const publicUrl = (env.LEADHOOK_PUBLIC_URL || `http://${host}:${port}`).replace(/\/+$/, '');
  if (!isHttpUrl(publicUrl)) problems.push('LEADHOOK_PUBLIC_URL must be an http(s) URL');

  const config: Config = {
    dataDir,
    port,
    host,
    databaseUrl,
    smtpUrl,
    publicUrl,
    allowPrivateTargets: read.list('LEADHOOK_ALLOW_PRIVATE_TARGETS'),
    retrySchedule: read.schedule('LEADHOOK_RETRY_SCHEDULE', DEFAULT_RETRY_SCHEDULE),
    retryJitter: read.number('LEADHOOK_RETRY_JITTER', 0.2, 0, 1),
    deliveryTimeoutMs: read.integer('LEADHOOK_DELIVERY_TIMEOUT_MS', 15_000, 1, 600_000),
    connectTimeoutMs: read.integer('LEADHOOK_CONNECT_TIMEOUT_MS', 5_000, 1, 600_000),
    errorEmailIntervalS: read.integer('LEADHOOK_ERROR_EMAIL_INTERVAL_S', 3600, 0, 31_536_000),
    autoDisableAfterS: read.integer('LEADHOOK_AUTO_DISABLE_AFTER_S', 5 * 86_400, 1, 31_536_000),
    apiRateLimit: read.integer('LEADHOOK_API_RATE_LIMIT', 1200, 0, 100_000_000),
    inboxRateLimit: read.integer('LEADHOOK_INBOX_RATE_LIMIT', 120, 0, 100_000_000),
    maxInFlightPerWebhook: read.integer('LEADHOOK_MAX_IN_FLIGHT_PER_WEBHOOK', 10, 1, 10_000),
    maxInFlightPerAccount: read.integer('LEADHOOK_MAX_IN_FLIGHT_PER_ACCOUNT', 32, 1, 10_000),
    maxWebhooksPerAccount: read.integer('LEADHOOK_MAX_WEBHOOKS_PER_ACCOUNT', 100, 1, 100_000),
    retentionDays: read.integer('LEADHOOK_RETENTION_DAYS', 30, 1, 3650),
    logLevel: read.oneOf('LOG_LEVEL', 'info', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    secureCookies: publicUrl.startsWith('https:'),
    workerThread: read.oneOf('LEADHOOK_WORKER_THREAD', '1', ['0', '1']) === '1',
    trustProxy: read.trustProxy('LEADHOOK_TRUST_PROXY'),
    passwordHashConcurrency: read.integer('LEADHOOK_PASSWORD_HASH_CONCURRENCY', 2, 1, 64),
    passwordHashQueue: read.integer('LEADHOOK_PASSWORD_HASH_QUEUE', 64, 0, 100_000),
    openSignup: read.oneOf('LEADHOOK_OPEN_SIGNUP', '0', ['0', '1']) === '1',
  };
  for (const target of config.allowPrivateTargets) {
    if (target !== 'loopback' && !/^[0-9a-fA-F:.]+\/\d{1,3}$/.test(target)) {
      problems.push(`LEADHOOK_ALLOW_PRIVATE_TARGETS: "${target}" is neither a CIDR nor "loopback"`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

class EnvReader {
  constructor(
    private readonly env: Env,
    private readonly problems: string[],
  ) {}

  private raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  number(name: string, fallback: number, min: number, max: number): number {
    const raw = this.raw(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < min || value > max) {
      this.problems.push(`${name} must be a number between ${min} and ${max} (got "${raw}")`);
      return fallback;
    }
    return value;
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const raw = this.raw(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      this.problems.push(`${name} must be an integer between ${min} and ${max} (got "${raw}")`);
      return fallback;
    }
    return value;
  }

  list(name: string): string[] {
    const raw = this.raw(name);
    return raw === undefined ? [] : raw.split(',').map((s) => s.trim()).filter(Boolean);
  }

  schedule(name: string, fallback: number[]): number[] {
    const raw = this.raw(name);
    if (raw === undefined) return fallback;
    const values = raw.split(',').map((s) => Number(s.trim()));
    if (values.some((v) => !Number.isFinite(v) || v < 0)) {
      this.problems.push(`${name} must be comma-separated non-negative seconds (got "${raw}")`);
      return fallback;
    }
    return values;
  }

  /** `0`/`false` (default), `1`/`true`, a hop count (`hops:2`), or comma-separated proxy addresses/CIDRs. */
  trustProxy(name: string): Config['trustProxy'] {
    const raw = this.raw(name);
    if (raw === undefined || raw === '0' || raw === 'false') return false;
    if (raw === '1' || raw === 'true') return true;
    const hops = /^hops:(\d{1,2})$/.exec(raw);
    if (hops) {
      const count = Number(hops[1]);
      return (_address, hop) => hop < count;
    }
    const list = raw.split(',').map((s) => s.trim()).filter(Boolean);
    const bad = list.filter((entry) => !/^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(entry) && !['loopback', 'linklocal', 'uniquelocal'].includes(entry));
    if (bad.length > 0) {
      this.problems.push(`${name} must be 0, 1, hops:<n> or comma-separated addresses/CIDRs (got "${raw}")`);
      return false;
    }
    return list;
  }

  oneOf(name: string, fallback: string, allowed: string[]): string {
    const raw = this.raw(name);
    if (raw === undefined) return fallback;
    if (!allowed.includes(raw)) {
      this.problems.push(`${name} must be one of ${allowed.join(', ')} (got "${raw}")`);
      return fallback;
    }
    return raw;
  }
}
