// Structured JSON logs (pino) with the service name bound first, so every line says who wrote it.
import pino, { Logger } from 'pino';

export type { Logger };

export function createLogger(service: string, level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Connection strings may carry passwords; API keys travel in headers we never log whole.
    redact: ['databaseUrl', 'req.headers["x-api-key"]', 'req.headers.authorization'],
  });
}
