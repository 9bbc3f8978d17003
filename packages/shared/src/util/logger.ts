import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/** The project's pino logger: JSON lines on stderr, one event per line; level `info` unless given. */
export function createLogger(name: string, options: LoggerOptions = {}): Logger {
  return pino(
    { name, level: 'info', base: { service: name }, ...options },
    pino.destination({ fd: 2, sync: false }),
  );
}

/** A logger that drops everything, for tests and library callers that pass none. */
export const silentLogger: Logger = pino({ level: 'silent' });
