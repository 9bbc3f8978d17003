import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '@genie-enhancer/databricks-sim';
import { BenchmarkFile, normaliseSql, openWorkspace, RunConfig, runInline, type ChatRequest } from '@genie-enhancer/shared';

const root = join(import.meta.dirname, '..');
const questions = BenchmarkFile.parse(JSON.parse(readFileSync(join(root, 'benchmarks', 'kpi_benchmark.json'), 'utf8'))).questions;

describe('held-out questions never reach the planner', () => {
  let sim: Simulator | undefined;
  afterAll(async () => sim?.close());

  it('no prompt of any loop holds a held-out question, its SQL or its id; both scores are reported every pass', async () => {
    sim = await createSimulator({ datasets: [join(root, 'datasets', 'kpi-retail')], genieLatencyMs: 5 });
    const workspace = openWorkspace({ host: sim.url, token: sim.token, warehousePort: sim.warehousePort, caCertPem: sim.caCert });
    const prompts: ChatRequest[] = [];
    const model = workspace.model('databricks-claude-sonnet-4');
    const config = RunConfig.parse({ space_id: sim.spaces[0].space_id, warehouse_id: sim.warehouseId, max_loops: 3, genie_concurrency: 4, split_seed: 'prompt-check', in_place: true });
    try {
      const result = await runInline(
        { genie: workspace.genie, spaces: workspace.spaces, warehouse: workspace.warehouse(config.warehouse_id), model: { ...model, complete: (r) => (prompts.push(r), model.complete(r)) } },
        { config, questions },
      );
      const held = questions.filter((q) => result.state.holdout_ids.includes(q.id));
      expect(held.length).toBe(9);
      expect(prompts.length).toBeGreaterThan(0);
      const sent = prompts.map((p) => `${p.system}\n${p.user}\n${(p.history ?? []).map((h) => h.content).join('\n')}`).join('\n');
      for (const q of held) {
        expect(sent).not.toContain(q.question);
        expect(sent).not.toContain(`"${q.id}"`);
        expect(normaliseSql(sent)).not.toContain(normaliseSql(q.expected_sql));
      }
      for (const loop of result.state.loops.filter((l) => l.pass)) expect(loop.pass!.holdout?.total).toBe(9);
    } finally {
      await workspace.close();
    }
  });
});

describe('attribution', () => {
  let sim: Simulator | undefined;
  afterAll(async () => sim?.close());

  it('every applied fix names the failing train questions it targets, and each kept loop says which of them it fixed', async () => {
    sim = await createSimulator({ datasets: [join(root, 'datasets', 'kpi-retail')], genieLatencyMs: 5 });
    const workspace = openWorkspace({ host: sim.url, token: sim.token, warehousePort: sim.warehousePort, caCertPem: sim.caCert });
    const config = RunConfig.parse({ space_id: sim.spaces[0].space_id, warehouse_id: sim.warehouseId, max_loops: 2, genie_concurrency: 4, split_seed: 'attribution', in_place: true });
    try {
      const result = await runInline(
        { genie: workspace.genie, spaces: workspace.spaces, warehouse: workspace.warehouse(config.warehouse_id), model: workspace.model(config.llm_endpoint) },
        { config, questions },
      );
      const loop1 = result.loops.find((l) => l.loop === 1)!;
      const failedBefore = new Set(result.state.loops[0].pass!.outcomes.filter((o) => o.verdict !== 'pass').map((o) => o.question_id));
      expect(loop1.changes.length).toBe(loop1.fixes_applied);
      expect(loop1.changes.every((c) => c.targets.length > 0 && c.targets.every((id) => failedBefore.has(id) && !result.state.holdout_ids.includes(id)))).toBe(true);
      expect(loop1.changes.flatMap((c) => c.fixed).length).toBeGreaterThan(0);
      for (const change of loop1.changes) for (const id of change.fixed) expect(loop1.fixed).toContain(id);
    } finally {
      await workspace.close();
    }
  });
});
