/** What config.ts makes of the environment: the gateway's whole configuration, read once at start. */

/** OpenTelemetry trace export, passed to the SDK as is (src/observability/tracing.ts). */
export interface TracingConfig {
  /** Where spans are POSTed (OTLP/HTTP, JSON): OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, or OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces. */
  tracesUrl: string;
  headers: Record<string, string>;
  serviceName: string;
  sampler: 'always_on' | 'always_off' | 'traceidratio' | 'parentbased_always_on' | 'parentbased_always_off' | 'parentbased_traceidratio';
  /** The ratio of the traceidratio samplers. */
  samplerArg: number;
}

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
  webhooks: { retrySeconds: number };
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
  /** METRICS_PORT: /metrics without a token on 127.0.0.1 (null: only on the main port, with a token). */
  metricsPort: number | null;
  /** Null: traces off, and the OpenTelemetry SDK never loaded. */
  tracing: TracingConfig | null;
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
