import pino, { type Logger } from 'pino';

/** Structured JSON logs (pino); one root logger, children per component. */
export function createLogger(level: string, name = 'lifeline'): Logger {
  return pino({ name, level, base: { service: name }, timestamp: pino.stdTimeFunctions.isoTime });
}

export type { Logger };
