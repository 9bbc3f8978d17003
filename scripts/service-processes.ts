import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

export const SERVICE_ENTRY = {
  api: 'services/api/src/main.ts',
  scorer: 'services/scorer-worker/src/main.ts',
  planner: 'services/planner-worker/src/main.ts',
  applier: 'services/applier-worker/src/main.ts',
  mirror: 'services/mirror-worker/src/main.ts',
} as const;
export type ServiceKind = keyof typeof SERVICE_ENTRY;

/**
 * Node flags per service. The scorer's heap stays small and flat: V8 otherwise lets a busy scorer's old space fill
 * with garbage (RSS 190 → 320 MB over 1,000 questions, no plateau); a 2 MB young generation and a 256 MB heap keep
 * it near 170 MB (`pnpm bench`). 256 MB still holds a 100k-row result comparison. docker-compose.yml uses the same.
 */
export const SERVICE_NODE_FLAGS: Record<ServiceKind, string[]> = {
  api: [],
  scorer: ['--max-old-space-size=256', '--max-semi-space-size=2'],
  planner: [],
  applier: [],
  mirror: [],
};

export interface ServiceProcess {
  name: string;
  child: ChildProcess;
  /** every log line so far (pino JSON) */
  lines: string[];
  /** resolves with the first line that matches */
  waitForLine(match: RegExp, timeoutMs?: number): Promise<string>;
  /** SIGTERM, then SIGKILL if still alive after graceMs */
  stop(graceMs?: number): Promise<void>;
}

/** Starts one service as its own Node process (TypeScript through tsx), its output collected line by line. */
export function spawnService(kind: ServiceKind, name: string, env: Record<string, string | undefined>, onLine?: (name: string, line: string) => void): ServiceProcess {
  const child = spawn(process.execPath, [...SERVICE_NODE_FLAGS[kind], '--import', 'tsx', SERVICE_ENTRY[kind]], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const waiters: { match: RegExp; resolve: (line: string) => void }[] = [];
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream }).on('line', (line) => {
      lines.push(line);
      onLine?.(name, line);
      for (const w of waiters.filter((w) => w.match.test(line))) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    });
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    name,
    child,
    lines,
    waitForLine(match, timeoutMs = 30_000) {
      const seen = lines.find((l) => match.test(l));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${name}: no line matching ${match} after ${timeoutMs} ms:\n${lines.slice(-20).join('\n')}`)), timeoutMs);
        waiters.push({ match, resolve: (line) => (clearTimeout(timer), resolve(line)) });
      });
    },
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
