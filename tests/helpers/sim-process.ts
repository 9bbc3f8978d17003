import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

/** Where the simulator's CLI listens, read from its start-up log line (JSON on stderr). */
export async function listening(child: ChildProcess): Promise<{ url: string; token: string; spaces: { space_id: string; title?: string }[] }> {
  for await (const line of createInterface({ input: child.stderr! })) {
    if (!line.startsWith('{')) continue;
    const entry = JSON.parse(line) as { msg?: string; url?: string; token?: string; spaces?: { space_id: string }[] };
    if (entry.msg === 'simulator listening') return { url: entry.url!, token: entry.token!, spaces: entry.spaces ?? [] };
  }
  throw new Error(`simulator exited with ${child.exitCode} before listening`);
}

/** SIGTERM to a child still running, and its exit awaited. */
export async function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}
