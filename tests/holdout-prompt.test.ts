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
