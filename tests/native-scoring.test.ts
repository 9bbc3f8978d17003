import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '@genie-enhancer/databricks-sim';
import { runCli, type CliIo } from '@genie-enhancer/cli';
import {
  agreementOf, benchmarkFromSpace, createGenieConversationsClient, createGenieEvalRunsClient, createGenieSpacesClient, createRestClient,
  createSqlWarehouseClient, parseSerializedSpace, scoreBenchmark, scoreNative, type InlineRunResult,
} from '@genie-enhancer/shared';

const root = join(import.meta.dirname, '..');
const stateDir = mkdtempSync(join(tmpdir(), 'genie-native-'));

describe("Genie's own benchmark evaluation (eval-runs API) beside our comparison, on the simulator over HTTP", () => {
  let sim: Simulator;
  beforeAll(async () => { sim = await createSimulator({ datasets: [join(root, 'datasets', 'cargo-levers')], genieLatencyMs: 5 }); });
  afterAll(async () => sim?.close());

  it('the eval-runs endpoints answer with the documented shapes, and refuse unknown questions', async () => {
    const rest = createRestClient({ host: sim.url, token: sim.token });
    const evalRuns = createGenieEvalRunsClient(rest);
    const spaceId = sim.spaces[0].space_id;
    const [first] = parseSerializedSpace(sim.spaces[0].serialized_space).benchmarks!.questions!;
    const run = await evalRuns.create(spaceId, [first.id]);
    expect(run).toMatchObject({ eval_run_id: expect.stringMatching(/^[0-9a-f]{32}$/), eval_run_status: expect.stringMatching(/^(NOT_STARTED|RUNNING)$/), num_questions: 1, num_done: 0 });
    let now = run;
    while (now.eval_run_status !== 'DONE') now = await evalRuns.get(spaceId, run.eval_run_id);
    expect(now).toMatchObject({ num_done: 1 });
    const [details] = await evalRuns.results(spaceId, run.eval_run_id);
    expect(details).toMatchObject({ benchmark_question_id: first.id, eval_run_status: 'DONE', assessment: expect.stringMatching(/^(GOOD|BAD|NEEDS_REVIEW)$/), manual_assessment: false, expected_response: [first.answer![0].content.join('')] });
    expect(Array.isArray(details.assessment_reasons)).toBe(true);
    await expect(evalRuns.create(spaceId, ['f'.repeat(32)])).rejects.toThrow(/not in the space/);
  });

  it('native verdicts match our comparison on the clear cases, reasons mapped to our codes', async () => {
    const rest = createRestClient({ host: sim.url, token: sim.token });
    const spaceId = sim.spaces[0].space_id;
    const questions = benchmarkFromSpace(parseSerializedSpace(sim.spaces[0].serialized_space));
    const ours = await scoreBenchmark(
      { genie: createGenieConversationsClient(rest, { pollIntervalMs: { initial: 5, max: 20 } }), warehouse: createSqlWarehouseClient({ rest, warehouseId: sim.warehouseId }) },
      { spaceId, questions, concurrency: 4, timeoutMs: 30_000 },
    );
    const native = await scoreNative({ evalRuns: createGenieEvalRunsClient(rest), spaces: createGenieSpacesClient(rest) }, { spaceId, questions, timeoutMs: 60_000, pollMs: { initial: 10, max: 50 } });
    expect(native.not_evaluated).toEqual([]);
    expect(native.native).toHaveLength(questions.length);
    const agreement = agreementOf(ours.results, native.native);
    // both kinds of verdict occur, so agreement is not trivial
    expect(agreement.table.pass.GOOD).toBeGreaterThan(0);
    expect(agreement.table.fail.BAD).toBeGreaterThan(0);
    expect(agreement.differing).toEqual([]);
    expect(agreement.agreement).toBe(1);
    expect(native.report.score).toBe(ours.score);
    // a question Genie answered in words is NO_SQL in both
    const words = ours.results.filter((r) => r.reason_code === 'NO_SQL').map((r) => r.question_id);
    expect(words.length).toBeGreaterThan(0);
    for (const id of words) expect(native.report.results.find((r) => r.question_id === id)?.reason_code).toBe('NO_SQL');
  });

  it.each(['kpi-retail', 'hr-people', 'spider-cars', 'spider-world'])('%s: the native verdicts match ours on the clear cases too', async (name) => {
    const other = await createSimulator({ datasets: [join(root, 'datasets', name)], genieLatencyMs: 2 });
    try {
      const rest = createRestClient({ host: other.url, token: other.token });
      const spaceId = other.spaces[0].space_id;
      const questions = benchmarkFromSpace(parseSerializedSpace(other.spaces[0].serialized_space));
      const ours = await scoreBenchmark(
        { genie: createGenieConversationsClient(rest, { pollIntervalMs: { initial: 5, max: 20 } }), warehouse: createSqlWarehouseClient({ rest, warehouseId: other.warehouseId }) },
        { spaceId, questions, concurrency: 4, timeoutMs: 30_000 },
      );
      const native = await scoreNative({ evalRuns: createGenieEvalRunsClient(rest), spaces: createGenieSpacesClient(rest) }, { spaceId, questions, timeoutMs: 60_000, pollMs: { initial: 10, max: 50 } });
      const agreement = agreementOf(ours.results, native.native);
      expect(agreement.table.pass.GOOD + agreement.table.fail.BAD).toBeGreaterThanOrEqual(15);
      expect(agreement.differing).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it('`run --scorer both` prints the agreement table of each pass; `--scorer native` drives the loop on native verdicts', async () => {
    const spaceId = sim.spaces[0].space_id;
    const cli = async (...flags: string[]) => {
      let out = '';
      let summary: InlineRunResult | undefined;
      const io: CliIo = { stdout: { write: (t: string) => (out += t) }, stderr: { write: () => true, isTTY: false }, env: { GENIE_ENHANCER_STATE_DIR: stateDir } };
      const code = await runCli(['run', '--host', sim.url, '--token', sim.token, '--warehouse-port', String(sim.warehousePort), '--space-id', spaceId,
        '--warehouse-id', sim.warehouseId, '--space-benchmarks', '--max-loops', '1', '--holdout', '0', ...flags], io, { caCertPem: sim.caCert, onSummary: (s) => (summary = s) });
      return { code, out, summary: summary! };
    };
    const both = await cli('--scorer', 'both');
    expect(both.out).toMatch(/pass 0: our comparison vs Genie's evaluation \(agreement on clear cases 100\.0%\)/);
    expect(both.out).toMatch(/^ {2}pass +[1-9]\d* +0 +0$/m);
    expect(both.out).toMatch(/^ {2}fail +0 +[1-9]\d* +0$/m);
    expect(Object.keys(both.summary.agreements).length).toBeGreaterThanOrEqual(2);

    const native = await cli('--scorer', 'native');
    expect(native.summary.status).not.toBe('failed');
    expect(native.summary.reports[0].results.every((r) => r.reason.startsWith("Genie's evaluation") )).toBe(true);
    expect(native.summary.final_score!).toBeGreaterThan(native.summary.initial_score!);
  });
});
