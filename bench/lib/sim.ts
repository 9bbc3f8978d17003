import { fork } from 'node:child_process';
import { join } from 'node:path';
import type { Simulator } from '@genie-enhancer/databricks-sim';

export const root = join(import.meta.dirname, '..', '..');

export interface SimInfo { url: string; token: string; warehousePort: number; warehouseId: string; caCert: string; spaceId: string }

export interface SimProcess {
  info: SimInfo;
  /** what tests/helpers/service-stack.ts reads of a simulator */
  asSimulator: Simulator;
  /** arrival time and status of every Genie question so far */
  questions(): Promise<{ at: number; status: number }[]>;
  clear(): Promise<void>;
  pid: number;
  close(): Promise<void>;
}

/** A simulator in its own Node process, Genie answering after latencyMs, `qpm` questions a minute (0 = unlimited). */
export async function startSimProcess(options: { latencyMs: number; qpm?: number }): Promise<SimProcess> {
  const child = fork(join(import.meta.dirname, 'sim-process.ts'), [JSON.stringify({ datasets: [join(root, 'datasets', 'kpi-retail')], ...options })], {
    execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const info = await new Promise<SimInfo>((resolve, reject) => {
    child.once('message', (m: { sim: SimInfo }) => resolve(m.sim));
    child.once('exit', (code) => reject(new Error(`simulator exited with ${code}`)));
  });
  let next = 0;
  const ask = <T>(type: string) => new Promise<T>((resolve) => {
    const id = ++next;
    const on = (m: { id: number } & T) => {
      if (m.id !== id) return;
      child.off('message', on);
      resolve(m);
    };
    child.on('message', on);
    child.send({ type, id });
  });
  return {
    info,
    asSimulator: { ...info, spaces: [{ space_id: info.spaceId }] } as unknown as Simulator,
    questions: async () => (await ask<{ entries: { at: number; status: number }[] }>('questions')).entries,
    clear: async () => void (await ask('clear')),
    pid: child.pid!,
    close: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.disconnect();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
