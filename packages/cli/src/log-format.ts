import { pino, type Logger } from 'pino';
import type { CliIo } from './cli-io.ts';

const LEVELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
const SKIP = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'name', 'service']);

/** One pino JSON line as `12:01:02 warn  message key=value`. */
export function humanLine(json: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json);
  } catch {
    return json;
  }
  const time = new Date(Number(entry.time ?? Date.now())).toISOString().slice(11, 19);
  const fields = Object.entries(entry).filter(([k]) => !SKIP.has(k)).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return `${time} ${(LEVELS[Number(entry.level)] ?? String(entry.level)).padEnd(5)} ${String(entry.msg ?? '')}${fields.length ? ` ${fields.join(' ')}` : ''}\n`;
}

/** The CLI's logger (on with LOG_LEVEL): human lines on a terminal, JSON lines otherwise; LOG_FORMAT=pretty|json decides. */
export function createCliLogger(io: CliIo, level: string): Logger {
  const human = io.env.LOG_FORMAT ? io.env.LOG_FORMAT === 'pretty' : io.stderr.isTTY === true;
  return pino({ name: 'genie-enhance', level }, { write: (line: string) => io.stderr.write(human ? humanLine(line) : line) });
}
