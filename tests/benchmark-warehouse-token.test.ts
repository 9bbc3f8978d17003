import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '@genie-enhancer/databricks-sim';
import { runCli, type CliIo } from '@genie-enhancer/cli';
import { benchmarkFromSpace, parseSerializedSpace, RunConfig } from '@genie-enhancer/shared';
import { startInProcessRuntime } from './helpers/in-process-runtime.ts';
import { testRedis, type TestRedis } from './helpers/test-redis.ts';

const root = join(import.meta.dirname, '..');
const READ_ONLY = 'dapi-read-only-warehouse-principal';

/**
 * Benchmark and Genie SQL can run under a separate warehouse credential (a principal with read-only grants): the
 * simulator's warehouse accepts a second token its REST API refuses, and the runs use it for exactly that SQL.
 */
describe('a separate warehouse token for benchmark and Genie SQL (simulator over HTTP)', () => {
  let sim: Simulator;
  let t: TestRedis;
  let spaceId: string;
  let questionCount: number;
  const readOnlyRequests = () => sim.warehouseRequestsByToken.get(READ_ONLY) ?? 0;

  beforeAll(async () => {
    sim = await createSimulator({ datasets: [join(root, 'datasets', 'hr-people')], genieLatencyMs: 20, warehouseTokens: [READ_ONLY] });
    spaceId = sim.spaces[0].space_id;
    questionCount = benchmarkFromSpace(parseSerializedSpace(sim.spaces[0].serialized_space)).length;
    t = await testRedis('bench-token');
  });
  afterAll(async () => {
    await sim?.close();
    await t?.cleanup();
  });

  it('the second token opens the warehouse only, not the workspace API', async () => {
    const refused = await fetch(`${sim.url}/api/2.0/genie/spaces/${spaceId}`, { headers: { authorization: `Bearer ${READ_ONLY}` } });
    expect(refused.status).toBe(401);
  });

  async function cli(...extra: string[]) {
    let err = '';
    const io: CliIo = { stdout: { write: () => undefined }, stderr: { write: (s: string) => void (err += s), isTTY: false }, env: { GENIE_ENHANCER_STATE_DIR: mkdtempSync(join(tmpdir(), 'genie-token-')) } };
    const args = ['run', '--host', sim.url, '--token', sim.token, '--warehouse-port', String(sim.warehousePort), '--space-id', spaceId, '--warehouse-id', sim.warehouseId, '--space-benchmarks', '--dry-run', ...extra];
    return { code: await runCli(args, io, { caCertPem: sim.caCert }), err };
  }

  it('CLI: a run with --benchmark-warehouse-token scores every question under that token', async () => {
    const before = readOnlyRequests();
    const { code, err } = await cli('--benchmark-warehouse-token', READ_ONLY);
    expect([0, 1], err).toContain(code);
    // preflight's SELECT 1, the benchmark check and each question's expected and Genie SQL
    expect(readOnlyRequests() - before).toBeGreaterThanOrEqual(2 * questionCount);
  });

  it('CLI: a refused benchmark warehouse token fails preflight, naming the setting, before any question', async () => {
    const asked = sim.requestLog.filter((r) => r.kind === 'genie_question').length;
    const { code, err } = await cli('--benchmark-warehouse-token', 'dapi-wrong');
    expect(code).toBe(3);
    expect(err).toMatch(/benchmark warehouse token \(BENCHMARK_WAREHOUSE_TOKEN, --benchmark-warehouse-token\): warehouse \w+ refused it/);
    expect(sim.requestLog.filter((r) => r.kind === 'genie_question').length).toBe(asked);
  });

  it('queue driver: the same for a run on the workers (the service config passes BENCHMARK_WAREHOUSE_TOKEN)', async () => {
    const config = RunConfig.parse({ space_id: spaceId, warehouse_id: sim.warehouseId, dry_run: true, max_loops: 1 });
    const questions = benchmarkFromSpace(parseSerializedSpace(sim.getSpace(spaceId)!.serialized_space));
    for (const [token, expected] of [[READ_ONLY, 'completed'], ['dapi-wrong', 'failed']] as const) {
      const runtime = await startInProcessRuntime(sim, t, { benchmarkWarehouseToken: token });
      try {
        const before = readOnlyRequests();
        const runId = randomUUID();
        await runtime.start(runId, config, questions);
        const state = await runtime.finished(runId);
        expect(state.status, state.error).toBe(expected);
        if (expected === 'completed') expect(readOnlyRequests() - before).toBeGreaterThanOrEqual(2 * questionCount);
        else expect(state.error).toMatch(/^preflight: .*benchmark warehouse token .* refused it/);
      } finally {
        await runtime.close();
      }
    }
  });
});
