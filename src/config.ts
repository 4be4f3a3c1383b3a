import { join } from 'node:path';
import { z } from 'zod';
import { compileTrust } from './core/client-address.js';

/** A duration such as `15m`, `30d`, `3600s` or a bare number of seconds. */
const duration = z
  .string()
  .regex(/^\d+\s*(s|m|h|d)?$/, 'expected a duration such as 15m, 1h or 30d')
  .transform((value) => {
    const match = /^(\d+)\s*(s|m|h|d)?$/.exec(value)!;
    const unit = { s: 1, m: 60, h: 3600, d: 86400 }[(match[2] ?? 's') as 's' | 'm' | 'h' | 'd'];
    return Number(match[1]) * unit;
  })
  .refine((seconds) => seconds > 0, 'must be longer than zero');

const flag = z.enum(['true', 'false', '1', '0', 'on', 'off']).transform((v) => ['true', '1', 'on'].includes(v));

const postgresUrl = z.string().refine((v) => /^postgres(ql)?:\/\//.test(v), 'expected a postgres:// URL');

/**
 * Browser origins allowed to call the gateway cross-origin: a comma list of absolute origins
 * (`https://admin.example.org, http://localhost:5173`), each scheme://host[:port] with nothing after.
 */
const originList = z
  .string()
  .transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  )
  .pipe(
    z.array(
      z.string().transform((o, ctx) => {
        const url = URL.canParse(o) ? new URL(o) : null;
        if (url && /^https?:$/.test(url.protocol) && url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password && !o.endsWith('/'))
          return url.origin;
        ctx.addIssue({
          code: 'custom',
          message: `${o} is not an origin; expected scheme and host (and port), e.g. https://admin.example.org, separated by commas`,
        });
        return z.NEVER;
      }),
    ),
  )
  .transform((list) => [...new Set(list)]);

const NAME = /^[A-Za-z0-9_-]{1,128}$/;
/** A comma list of names (letters, digits, _ and -), at least one, duplicates dropped. */
const nameList = z
  .string()
  .transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.string().regex(NAME, 'letters, digits, _ and - only, separated by commas')).min(1, 'at least one name'))
  .transform((list) => [...new Set(list)]);

/** Liquid's own default of admin-api.user.profile.editable-fields. */
const LIQUID_EDITABLE_DEFAULT = [
  'username',
  'email',
  'password',
  'isDeleted',
  'role',
  'firstName',
  'lastName',
  'middleName',
  'bio',
  'pronouns',
  'customLink',
  'organization',
  'designation',
  'gender',
  'preferredLanguage',
  'country',
];

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: postgresUrl.optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  DB_POOL_MAX: z.coerce.number().int().min(1).max(1000).default(10),
  DB_STATEMENT_TIMEOUT: duration.default(30),
  DB_READ_STATEMENT_TIMEOUT: duration.default(10),
  DB_POOL_RESERVED: z.coerce.number().int().min(0).max(100).default(2),
  DB_CONNECT_TIMEOUT: duration.default(2),
  SHUTDOWN_WRITE_TIMEOUT: duration.default(20),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Encrypts secret-bearing data at rest (queued mail); an AES-256 key is derived from it with HKDF. */
  SECRETS_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  JWT_JWKS_URL: z.url().optional(),
  JWT_ISSUER: z.string().min(1).optional(),
  JWT_AUDIENCE: z.string().min(1).optional(),
  ACCESS_TOKEN_TTL: duration.default(15 * 60),
  REFRESH_TOKEN_TTL: duration.default(30 * 86400),
  /** Lifetime of the session behind a token handed to a client that never refreshes (legacy sign-in). */
  LEGACY_TOKEN_TTL: duration.default(7 * 86400),
  GRAPHIQL: flag.optional(),
  INTROSPECTION: flag.optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ADMIN_USERNAME: z.string().min(1).optional(),
  ADMIN_EMAIL: z.email().optional(),
  ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
  SMTP_URL: z.url({ protocol: /^smtps?$/, message: 'must be smtp:// or smtps://' }).optional(),
  MAIL_FROM: z.string().min(3).default('Admin gateway <noreply@localhost>'),
  /** Base of the exponential backoff between delivery attempts. */
  MAIL_RETRY_SECONDS: z.coerce.number().min(0.01).max(86_400).default(30),
  /** Where people open links from mail (invites, password resets). */
  PUBLIC_URL: z.url().optional(),
  /** argon2 hashes/verifications running at once, and how many may wait; beyond that RATE_LIMITED. */
  LOGIN_HASH_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  LOGIN_HASH_QUEUE: z.coerce.number().int().min(0).max(10_000).default(8),
  CORS_ORIGINS: originList.default([]),
  /** Outbound requests (relay actors and inboxes) may reach loopback, private and link-local addresses. */
  OUTBOUND_ALLOW_PRIVATE: flag.default(false),
  /** Base of the exponential backoff between relay delivery attempts. */
  RELAY_RETRY_SECONDS: z.coerce.number().min(0.01).max(86_400).default(30),
  /** Where stored images are served from (`<base>/media/<hash>.<ext>`); PUBLIC_URL when absent. */
  MEDIA_BASE_URL: z.url({ protocol: /^https?$/, message: 'must be an http:// or https:// URL' }).optional(),
  /** Largest image accepted, in input bytes (after base64 decoding). */
  MEDIA_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(64 * 1024 * 1024)
    .default(2 * 1024 * 1024),
  /** Largest image accepted, in pixels, read from its header before anything is decoded. */
  MEDIA_MAX_PIXELS: z.coerce
    .number()
    .int()
    .min(64 * 64)
    .max(100_000_000)
    .default(4096 * 4096),
  /** Image decodes running at once, and how many may wait; beyond that RATE_LIMITED. */
  MEDIA_DECODE_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(2),
  MEDIA_DECODE_QUEUE: z.coerce.number().int().min(0).max(1000).default(4),
  /** How long an upload nothing refers to is kept before it is swept. */
  MEDIA_UNCLAIMED_TTL: duration.default(3600),
  /** pronouns.cc's CDN as its readers build it (`<base>/users/<id>/<avatar>.webp`, `<base>/flags/<hash>.webp`); MEDIA_BASE_URL when absent. */
  PRONOUNS_MEDIA_BASE_URL: z.url({ protocol: /^https?$/, message: 'must be an http:// or https:// URL' }).optional(),
  /** Public (tokenless) pronouns.cc profile reads per client address per minute; beyond that 429. */
  PRONOUNS_PUBLIC_READS_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(120),
  /**
   * Reverse proxies whose X-Forwarded-For is believed: CIDRs or addresses, comma separated
   * (`10.0.0.0/8, 127.0.0.1`), or proxy-addr's `loopback`, `linklocal`, `uniquelocal`.
   */
  TRUSTED_PROXIES: z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .superRefine((list, ctx) => {
      for (const entry of list) {
        try {
          compileTrust([entry]);
        } catch {
          ctx.addIssue({ code: 'custom', message: `${entry} is not an address, a CIDR or loopback/linklocal/uniquelocal` });
        }
      }
    })
    .default([]),
  /** Subscription tiers an admin may give (Liquid's user.subscription.tier-list) and the one that counts as not subscribed. */
  SUBSCRIPTION_TIERS: nameList.default(['basic', 'premium']),
  SUBSCRIPTION_BASE_TIER: z.string().regex(NAME, 'letters, digits, _ and - only').default('basic'),
  /** What Liquid's system.app-name answers (Nitrogen's page title). */
  LIQUID_APP_NAME: z.string().min(1).max(100).default('Liquid'),
  /** The user fields Liquid's PATCH /user/admin-api/update accepts and /editable-fields answers. */
  LIQUID_EDITABLE_FIELDS: nameList.default(LIQUID_EDITABLE_DEFAULT),
  /** The Liquid Nitrogen admin panel's client id (its VITE_LIQUID_CLIENT_ID); the gateway keeps that public client. */
  LIQUID_CLIENT_ID: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{2,100}$/, '2 to 100 letters, digits, _ . -')
    .optional(),
  /** Where Nitrogen runs (it sends its origin as redirect_uri): a comma list, matched exactly. */
  LIQUID_REDIRECT_URIS: z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.url({ protocol: /^https?$/, message: 'expected absolute http(s) URLs, separated by commas' })).max(20))
    .optional(),
});

export type Env = z.input<typeof EnvSchema>;

export interface Config {
  production: boolean;
  /** NODE_ENV=development (the default): readable log lines. */
  development: boolean;
  port: number;
  host: string;
  /** Absent: the embedded PGlite database in `dataDir`. */
  databaseUrl?: string;
  dataDir: string;
  dbPoolMax: number;
  /** Connections of the pool kept for sign-in, the caller's own state and health. */
  dbPoolReserved: number;
  /** Statement timeout inside write transactions. */
  statementTimeoutSeconds: number;
  /** Statement timeout of every other statement (admin reads). */
  readStatementTimeoutSeconds: number;
  /** A connection attempt, or a wait for a pooled connection, fails after this. */
  connectTimeoutSeconds: number;
  /** How long SIGTERM waits for write transactions already running. */
  shutdownWriteTimeoutSeconds: number;
  jwt: {
    /** Absent until resolved at start (generated and kept in DATA_DIR or the database outside production). */
    secret?: string;
    jwksUrl?: string;
    /** Issuer of the gateway's own tokens, and the issuer external tokens must carry. */
    issuer: string;
    externalIssuer?: string;
    audience: string;
    externalAudience?: string;
    accessTtlSeconds: number;
    refreshTtlSeconds: number;
    /**
     * Sessions opened by legacy sign-in (clients that keep one token and never refresh it): the
     * access token lives as long as the session, and is still checked against it on every request.
     */
    legacyTtlSeconds: number;
  };
  /**
   * Key material for data kept encrypted at rest (queued mail). Absent until resolved at start
   * (generated and kept in DATA_DIR or the database outside production).
   */
  secretsKey?: string;
  graphiql: boolean;
  introspection: boolean;
  /** Origins answered with Access-Control-Allow-Origin (exactly these; none by default). */
  corsOrigins: string[];
  /** Proxies whose X-Forwarded-For names the client (none by default: the header is ignored). */
  trustedProxies: string[];
  logLevel: string;
  initialAdmin?: { username?: string; email?: string; password?: string };
  mail: {
    /** Absent: each mail is written to `fileDir` as `<outbox id>.eml` instead of sent. */
    smtpUrl?: string;
    /** DATA_DIR/mail: where mail goes without SMTP_URL. */
    fileDir: string;
    from: string;
    retrySeconds: number;
    publicUrl: string;
  };
  /** The bound on argon2 work in the process (see src/access/passwords.ts). */
  passwordHashing: { concurrency: number; queue: number };
  /** The instance's public base URL (PUBLIC_URL without a trailing slash): mailed links, the relay actor's id. */
  publicUrl: string;
  /** Requests the gateway makes to other servers (relays). */
  outbound: { allowPrivate: boolean };
  relays: { retrySeconds: number };
  /** Tiers setSubscription accepts; `baseTier` (one of them) counts as not subscribed. */
  subscriptions: { tiers: string[]; baseTier: string };
  /**
   * The Liquid shim: the Nitrogen client (LIQUID_CLIENT_ID, a public INTERNAL application kept at
   * start; null when not configured) and what the shim answers about itself (its app name, and the
   * fields its update accepts).
   */
  liquid: { clientId: string | null; redirectUris: string[]; appName: string; editableFields: string[] };
  /** The media pipeline (src/modules/media). */
  media: MediaConfig;
  /** The pronouns.cc shim: where its images are served (no trailing slash), and the public read limit. */
  pronouns: { mediaBaseUrl: string; publicReadsPerMinute: number };
}

export interface MediaConfig {
  /** Absolute, without a trailing slash: stored images are at `<baseUrl>/media/<hash>.<ext>`. */
  baseUrl: string;
  /** Largest input image in bytes (decoded from base64 when it came as a data URI). */
  maxBytes: number;
  /** Largest input image in pixels (width × height from its header, checked before decoding). */
  maxPixels: number;
  /** Decodes at once, and how many may wait for one before RATE_LIMITED. */
  concurrency: number;
  queue: number;
  /** Seconds an upload nobody refers to (ref_count 0) is kept. */
  unclaimedTtlSeconds: number;
}

export class ConfigError extends Error {}

/**
 * Parses the environment once. A bad value throws a ConfigError whose message is one line naming
 * the variable, so main.ts can print it without a stack trace.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue.path[0] ?? 'environment');
    const shown = cleaned[name] === undefined || /SECRET|PASSWORD/.test(name) ? '' : ` (got "${cleaned[name]}")`;
    throw new ConfigError(`Invalid configuration: ${name}: ${issue.message}${shown}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  if (production && !e.JWT_SECRET) {
    throw new ConfigError('Invalid configuration: JWT_SECRET: required when NODE_ENV=production');
  }
  if (e.DB_POOL_RESERVED >= e.DB_POOL_MAX) {
    throw new ConfigError(`Invalid configuration: DB_POOL_RESERVED: must be below DB_POOL_MAX (${e.DB_POOL_MAX}) (got "${e.DB_POOL_RESERVED}")`);
  }
  if (production && !e.SECRETS_KEY) {
    throw new ConfigError('Invalid configuration: SECRETS_KEY: required when NODE_ENV=production');
  }
  if (!e.SUBSCRIPTION_TIERS.includes(e.SUBSCRIPTION_BASE_TIER)) {
    throw new ConfigError(
      `Invalid configuration: SUBSCRIPTION_BASE_TIER: must be one of SUBSCRIPTION_TIERS (${e.SUBSCRIPTION_TIERS.join(', ')}) (got "${e.SUBSCRIPTION_BASE_TIER}")`,
    );
  }
  if (e.LIQUID_CLIENT_ID && !e.LIQUID_REDIRECT_URIS?.length) {
    throw new ConfigError("Invalid configuration: LIQUID_REDIRECT_URIS: required with LIQUID_CLIENT_ID (Nitrogen's origin, e.g. https://nitrogen.example.org)");
  }
  if (e.JWT_JWKS_URL && !e.JWT_ISSUER) {
    throw new ConfigError('Invalid configuration: JWT_ISSUER: required with JWT_JWKS_URL');
  }
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, '');
  return {
    production,
    development: e.NODE_ENV === 'development',
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    dbPoolMax: e.DB_POOL_MAX,
    dbPoolReserved: e.DB_POOL_RESERVED,
    statementTimeoutSeconds: e.DB_STATEMENT_TIMEOUT,
    readStatementTimeoutSeconds: e.DB_READ_STATEMENT_TIMEOUT,
    connectTimeoutSeconds: e.DB_CONNECT_TIMEOUT,
    shutdownWriteTimeoutSeconds: e.SHUTDOWN_WRITE_TIMEOUT,
    jwt: {
      secret: e.JWT_SECRET,
      jwksUrl: e.JWT_JWKS_URL,
      issuer: 'admin-gateway',
      externalIssuer: e.JWT_JWKS_URL ? e.JWT_ISSUER : undefined,
      audience: 'admin-gateway',
      externalAudience: e.JWT_JWKS_URL ? e.JWT_AUDIENCE : undefined,
      accessTtlSeconds: e.ACCESS_TOKEN_TTL,
      refreshTtlSeconds: e.REFRESH_TOKEN_TTL,
      legacyTtlSeconds: e.LEGACY_TOKEN_TTL,
    },
    secretsKey: e.SECRETS_KEY,
    graphiql: e.GRAPHIQL ?? !production,
    introspection: e.INTROSPECTION ?? !production,
    corsOrigins: e.CORS_ORIGINS,
    trustedProxies: e.TRUSTED_PROXIES,
    logLevel: e.LOG_LEVEL,
    passwordHashing: { concurrency: e.LOGIN_HASH_CONCURRENCY, queue: e.LOGIN_HASH_QUEUE },
    subscriptions: { tiers: e.SUBSCRIPTION_TIERS, baseTier: e.SUBSCRIPTION_BASE_TIER },
    liquid: {
      clientId: e.LIQUID_CLIENT_ID ?? null,
      redirectUris: e.LIQUID_REDIRECT_URIS ?? [],
      appName: e.LIQUID_APP_NAME,
      editableFields: e.LIQUID_EDITABLE_FIELDS,
    },
    media: {
      baseUrl: (e.MEDIA_BASE_URL ?? e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
      maxBytes: e.MEDIA_MAX_BYTES,
      maxPixels: e.MEDIA_MAX_PIXELS,
      concurrency: e.MEDIA_DECODE_CONCURRENCY,
      queue: e.MEDIA_DECODE_QUEUE,
      unclaimedTtlSeconds: e.MEDIA_UNCLAIMED_TTL,
    },
    pronouns: {
      mediaBaseUrl: (e.PRONOUNS_MEDIA_BASE_URL ?? e.MEDIA_BASE_URL ?? e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
      publicReadsPerMinute: e.PRONOUNS_PUBLIC_READS_PER_MINUTE,
    },
    mail: {
      smtpUrl: e.SMTP_URL,
      fileDir: join(e.DATA_DIR, 'mail'),
      from: e.MAIL_FROM,
      retrySeconds: e.MAIL_RETRY_SECONDS,
      publicUrl,
    },
    publicUrl,
    outbound: { allowPrivate: e.OUTBOUND_ALLOW_PRIVATE },
    relays: { retrySeconds: e.RELAY_RETRY_SECONDS },
    initialAdmin:
      e.ADMIN_USERNAME || e.ADMIN_EMAIL || e.ADMIN_PASSWORD ? { username: e.ADMIN_USERNAME, email: e.ADMIN_EMAIL, password: e.ADMIN_PASSWORD } : undefined,
  };
}
