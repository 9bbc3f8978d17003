import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createGenieConversationsClient, createRestClient } from '@genie-enhancer/shared';
import { createSimulator, type Simulator, type SimulatorOptions } from '@genie-enhancer/databricks-sim';
import { listening, stopChild } from './helpers/sim-process.ts';

const root = join(import.meta.dirname, '..');
const dataset = join(root, 'datasets', 'kpi-retail');
const SPACE_ID = '178fd2ca032db41f4a33404b0f63d883';
const QUESTIONS = ['How many customers signed up in 2022?', 'How many stores opened in 2021?', 'How many customers per tier?'];

/** Asks every question `rounds` times, each in a fresh conversation, through the real client: Genie's SQL in order. */
async function askAll(url: string, token: string, rounds = 5): Promise<string[]> {
  const genie = createGenieConversationsClient(createRestClient({ host: url, token, retry: { attempts: 3, baseDelayMs: 10, maxDelayMs: 50 } }), { pollIntervalMs: { initial: 2, max: 10 } });
  const sqls: string[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const question of QUESTIONS) sqls.push((await genie.ask(SPACE_ID, question, { timeoutMs: 5_000 })).sql ?? '(no SQL)');
  }
  return sqls;
}

async function sequenceOf(options: Partial<SimulatorOptions>): Promise<string[]> {
  const sim: Simulator = await createSimulator({ datasets: [dataset], genieLatencyMs: 1, ...options });
  try {
    return await askAll(sim.url, sim.token);
  } finally {
    await sim.close();
  }
}

const cliArgs = (args: string[]) => ['--import', 'tsx', join(root, 'packages/databricks-sim/src/main.ts'), '--dataset', dataset, ...args];

describe('seeded Genie noise over HTTP', () => {
  let clean: string[];
  let seeded: string[];
  beforeAll(async () => {
    clean = await sequenceOf({});
    seeded = await sequenceOf({ genieNoise: { probability: 0.5, seed: 7 } });
  });

  it('answers exactly as without noise at probability 0', async () => {
    expect(await sequenceOf({ genieNoise: { probability: 0, seed: 7 } })).toEqual(clean);
  });

  it('alters some answers, lets repeats of a question differ, and replays them with the same seed in a new simulator', async () => {
    expect(seeded.filter((sql, i) => sql !== clean[i]).length).toBeGreaterThan(0);
    expect(seeded.filter((sql, i) => sql === clean[i]).length).toBeGreaterThan(0);
    const firstQuestion = seeded.filter((_, i) => i % QUESTIONS.length === 0);
    expect(new Set(firstQuestion).size).toBeGreaterThan(1);
    expect(await sequenceOf({ genieNoise: { probability: 0.5, seed: 7 } })).toEqual(seeded);
    expect(await sequenceOf({ genieNoise: { probability: 0.5, seed: 8 } })).not.toEqual(seeded);
  });

  describe('the CLI flags', () => {
    let child: ChildProcess | undefined;
    afterAll(() => stopChild(child));

    it('--genie-noise and --genie-seed give the same sequence as the option', async () => {
      child = spawn(process.execPath, cliArgs(['--port', '0', '--warehouse-port', '0', '--print-token', '--genie-noise', '0.5', '--genie-seed', '7']), { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
      const { url, token } = await listening(child);
      expect(await askAll(url, token)).toEqual(seeded);
    });

    it('refuses a probability outside [0, 1] with exit code 2', async () => {
      const refused = spawn(process.execPath, cliArgs(['--genie-noise', '1.5']), { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      refused.stderr!.on('data', (chunk) => (stderr += chunk));
      const [code] = await once(refused, 'exit');
      expect(code).toBe(2);
      expect(stderr).toMatch(/--genie-noise/);
    });
  });
});
