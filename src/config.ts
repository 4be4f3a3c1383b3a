import { join } from 'node:path';
import { z } from 'zod';
import { compileTrust } from './core/client-address.js';
import type { Config, TracingConfig } from './core/config-types.js';
import { commaList, duration, flag, NAME, nameList, originList, postgresUrl } from './core/env-values.js';

export type { Config, MediaConfig, TracingConfig } from './core/config-types.js';

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
  /** Base of the exponential backoff between webhook delivery attempts. */
  WEBHOOK_RETRY_SECONDS: z.coerce.number().min(0.01).max(86_400).default(30),
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
  TRUSTED_PROXIES: commaList
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
  LIQUID_REDIRECT_URIS: commaList
    .pipe(z.array(z.url({ protocol: /^https?$/, message: 'expected absolute http(s) URLs, separated by commas' })).max(20))
    .optional(),
  /** A second listener on 127.0.0.1 answering GET /metrics without a token (for a local Prometheus). */
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  /** OpenTelemetry traces (OTLP over HTTP): off unless an endpoint is set. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/, message: 'must be an http:// or https:// URL' }).optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.url({ protocol: /^https?$/, message: 'must be an http:// or https:// URL' }).optional(),
  /** `key=value` pairs, comma separated (e.g. an API key header of a tracing vendor). */
  OTEL_EXPORTER_OTLP_HEADERS: z
    .string()
    .regex(/^\s*[^=,\s]+\s*=[^,]*(,\s*[^=,\s]+\s*=[^,]*)*$/, 'expected key=value pairs separated by commas')
    .optional(),
  OTEL_SERVICE_NAME: z.string().min(1).max(200).default('admin-gateway'),
  OTEL_TRACES_SAMPLER: z
    .enum(['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'])
    .default('parentbased_always_on'),
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).default(1),
});

export type Env = z.input<typeof EnvSchema>;

function tracingOf(e: z.output<typeof EnvSchema>): TracingConfig | null {
  const base = e.OTEL_EXPORTER_OTLP_ENDPOINT?.replace(/\/+$/, '');
  const tracesUrl = e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (base ? `${base}/v1/traces` : undefined);
  if (!tracesUrl) return null;
  const headers = Object.fromEntries(
    (e.OTEL_EXPORTER_OTLP_HEADERS ?? '')
      .split(',')
      .filter((pair) => pair.includes('='))
      .map((pair) => [pair.slice(0, pair.indexOf('=')).trim(), decodeURIComponent(pair.slice(pair.indexOf('=') + 1).trim())]),
  );
  return { tracesUrl, headers, serviceName: e.OTEL_SERVICE_NAME, sampler: e.OTEL_TRACES_SAMPLER, samplerArg: e.OTEL_TRACES_SAMPLER_ARG };
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
    const shown = cleaned[name] === undefined || /SECRET|PASSWORD|HEADERS/.test(name) ? '' : ` (got "${cleaned[name]}")`;
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
    webhooks: { retrySeconds: e.WEBHOOK_RETRY_SECONDS },
    metricsPort: e.METRICS_PORT ?? null,
    tracing: tracingOf(e),
    initialAdmin:
      e.ADMIN_USERNAME || e.ADMIN_EMAIL || e.ADMIN_PASSWORD ? { username: e.ADMIN_USERNAME, email: e.ADMIN_EMAIL, password: e.ADMIN_PASSWORD } : undefined,
  };
}
