/**
 * Structured JSON logs (pino). Credentials are redacted wherever they might appear: request
 * headers, and any field named like a token or a secret.
 */
import { pino, type Logger, type LevelWithSilent } from 'pino';

export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-hub-signature-256"]',
  'req.headers.cookie',
  '*.metaAccessToken',
  '*.accessToken',
  '*.appSecret',
  '*.apiKey',
  '*.token',
  '*.adminToken',
  '*.encryptionKey',
];

export function createLogger(level: LevelWithSilent, destination?: pino.DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, destination);
}
