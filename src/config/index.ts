/**
 * One typed Config from the environment. Everything is optional: the defaults run the service
 * on the embedded database under ./data. Invalid values fail at start with the variable's name.
 */
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { z } from 'zod';

/** Graph API defaults, shared with the library's `sendMessage`. */
export const GRAPH_DEFAULTS = { baseUrl: 'https://graph.facebook.com', apiVersion: 'v24.0', timeoutMs: 15_000 } as const;

const commaList = z
  .string()
  .transform((value) => value.split(',').map((item) => item.trim()).filter(Boolean));

const positiveInt = z.coerce.number().int().positive();

/** Names proxy-addr (fastify's `trustProxy`) knows for common address ranges. */
const PROXY_RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/** An address, a CIDR block, or one of the range names. */
function isProxyAddress(item: string): boolean {
  if (PROXY_RANGE_NAMES.includes(item)) return true;
  const [address = '', bits, ...rest] = item.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
}

/**
 * Which proxies' X-Forwarded-For to believe: a number of hops, or the proxies' addresses. Never
 * "all": a client reaching the service directly could then pick its own address (and bucket).
 */
const trustProxySchema = z.union([
  z.string().regex(/^\d+$/).transform(Number),
  commaList.refine((items) => items.length > 0 && items.every(isProxyAddress), {
    message: 'a number of proxy hops, or addresses, CIDR blocks and loopback/linklocal/uniquelocal, comma-separated',
  }),
]);
const booleanFlag = z.enum(['true', 'false', '1', '0']).transform((value) => value === 'true' || value === '1');

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3001),
  HOST: z.string().default('0.0.0.0'),
  DATA_DIR: z.string().default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  DATABASE_POOL_SIZE: positiveInt.default(10),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL').optional(),
  REDIS_PREFIX: z.string().regex(/^[\w.-]+$/, 'letters, digits, _ . -').default('waflow'),
  WHATSAPP_APP_SECRET: z.string().min(1).optional(),
  WHATSAPP_VERIFY_TOKEN: z.string().min(1).optional(),
  META_GRAPH_URL: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).default(GRAPH_DEFAULTS.baseUrl),
  META_API_VERSION: z.string().regex(/^v\d+\.\d+$/, 'must look like v24.0').default(GRAPH_DEFAULTS.apiVersion),
  GRAPH_TIMEOUT_MS: positiveInt.default(GRAPH_DEFAULTS.timeoutMs),
  FRONTEND_URL: commaList.default(['http://localhost:3000']),
  ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  ENCRYPTION_KEY: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'must be 32 bytes as 64 hex characters')
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  WEBHOOK_BODY_LIMIT_BYTES: positiveInt.min(3 * 1024 * 1024).default(4 * 1024 * 1024),
  ENGINE_MAX_NODES_PER_STEP: positiveInt.default(100),
  SEND_MAX_ATTEMPTS: positiveInt.default(6),
  SEND_RETRY_BASE_MS: positiveInt.default(1_000),
  SEND_RATE_PER_NUMBER: positiveInt.default(80),
  SEND_PAIR_INTERVAL_MS: positiveInt.default(6_000),
  SEND_PAIR_BURST: positiveInt.default(20),
  WORKER_CONCURRENCY: positiveInt.default(64),
  SEND_CONCURRENCY: positiveInt.default(64),
  API_RATE_LIMIT_PER_MINUTE: positiveInt.default(600),
  TRUST_PROXY: trustProxySchema.optional(),
  SHUTDOWN_TIMEOUT_MS: positiveInt.default(10_000),
  TIMER_POLL_MS: positiveInt.default(1_000),
  SWEEP_INTERVAL_MS: positiveInt.default(30_000),
  EVENTS_RETENTION_DAYS: positiveInt.default(7),
  INBOX_RETENTION_DAYS: positiveInt.min(8, 'must outlast Meta\'s 7-day redelivery window').default(30),
  FLOW_HTTP_ALLOW_PRIVATE: booleanFlag.default(false),
  FLOW_HTTP_ALLOWED_NETWORKS: commaList.default([]),
  FLOW_HTTP_MAX_RESPONSE_BYTES: positiveInt.default(1024 * 1024),
  FLOW_HTTP_CONCURRENCY: positiveInt.default(32),
});

export type DatabaseTarget =
  | { kind: 'embedded'; dataDir: string }
  | { kind: 'postgres'; url: string; poolSize: number };

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  database: DatabaseTarget;
  redisUrl: string | null;
  /** Namespaces queues, rate limits and realtime channels, so environments can share a Redis. */
  redisPrefix: string;
  appSecret: string | null;
  verifyToken: string | null;
  graph: { baseUrl: string; apiVersion: string; timeoutMs: number };
  frontendOrigins: string[];
  adminToken: string | null;
  encryptionKey: Buffer | null;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  webhookBodyLimit: number;
  engine: { maxNodesPerStep: number; timerPollMs: number };
  /** How often a worker rescans the inbox for work whose notification was lost. */
  sweepIntervalMs: number;
  /** How long the realtime log and settled inbox events are kept. */
  retention: { eventsDays: number; inboxDays: number };
  sending: {
    maxAttempts: number;
    retryBaseMs: number;
    perNumberPerSecond: number;
    pairIntervalMs: number;
    pairBurst: number;
  };
  apiRateLimitPerMinute: number;
  /** Proxies whose X-Forwarded-For gives the client's address (rate limits, logs); false: none. */
  trustProxy: TrustProxy;
  /** Conversations handled at once per process. */
  concurrency: number;
  /** Contacts being sent to at once per process (Graph API round trips overlap). */
  sendConcurrency: number;
  shutdownTimeoutMs: number;
  /**
   * Outbound HTTP of flows' httpRequest nodes. `concurrency`: requests in flight per process (a
   * tenant holds at most half of them); the others wait their turn within their timeout.
   */
  flowHttp: { allowPrivateNetworks: boolean; allowedNetworks: string[]; maxResponseBytes: number; concurrency: number };
}

/** A number of hops, or the proxies' addresses and ranges, as fastify's `trustProxy` takes them. */
export type TrustProxy = false | number | string[];

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // A variable set to nothing (`PORT=${PORT}` in a compose file, PORT unset) counts as unset:
  // it would otherwise become port 0, a random one.
  const parsed = envSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, value]) => value !== '')));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const dataDir = resolve(e.DATA_DIR);
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir,
    database: e.DATABASE_URL
      ? { kind: 'postgres', url: e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE }
      : { kind: 'embedded', dataDir },
    redisUrl: e.REDIS_URL ?? null,
    redisPrefix: e.REDIS_PREFIX,
    appSecret: e.WHATSAPP_APP_SECRET ?? null,
    verifyToken: e.WHATSAPP_VERIFY_TOKEN ?? null,
    graph: { baseUrl: e.META_GRAPH_URL.replace(/\/+$/, ''), apiVersion: e.META_API_VERSION, timeoutMs: e.GRAPH_TIMEOUT_MS },
    frontendOrigins: e.FRONTEND_URL,
    adminToken: e.ADMIN_TOKEN ?? null,
    encryptionKey: e.ENCRYPTION_KEY ? Buffer.from(e.ENCRYPTION_KEY, 'hex') : null,
    logLevel: e.LOG_LEVEL,
    webhookBodyLimit: e.WEBHOOK_BODY_LIMIT_BYTES,
    engine: { maxNodesPerStep: e.ENGINE_MAX_NODES_PER_STEP, timerPollMs: e.TIMER_POLL_MS },
    sweepIntervalMs: e.SWEEP_INTERVAL_MS,
    retention: { eventsDays: e.EVENTS_RETENTION_DAYS, inboxDays: e.INBOX_RETENTION_DAYS },
    sending: {
      maxAttempts: e.SEND_MAX_ATTEMPTS,
      retryBaseMs: e.SEND_RETRY_BASE_MS,
      perNumberPerSecond: e.SEND_RATE_PER_NUMBER,
      pairIntervalMs: e.SEND_PAIR_INTERVAL_MS,
      pairBurst: e.SEND_PAIR_BURST,
    },
    concurrency: e.WORKER_CONCURRENCY,
    sendConcurrency: e.SEND_CONCURRENCY,
    apiRateLimitPerMinute: e.API_RATE_LIMIT_PER_MINUTE,
    trustProxy: e.TRUST_PROXY ?? false,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    flowHttp: {
      allowPrivateNetworks: e.FLOW_HTTP_ALLOW_PRIVATE,
      allowedNetworks: e.FLOW_HTTP_ALLOWED_NETWORKS,
      maxResponseBytes: e.FLOW_HTTP_MAX_RESPONSE_BYTES,
      concurrency: e.FLOW_HTTP_CONCURRENCY,
    },
  };
}
