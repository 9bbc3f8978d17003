import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSimulator } from '@genie-enhancer/databricks-sim';
import type { InlineRunResult, SpaceWithConfig } from '@genie-enhancer/shared';
import { processIo, runCli, type CliIo } from '@genie-enhancer/cli';

const repoRoot = fileURLToPath(new URL('../', import.meta.url));

/** A benchmark file under benchmarks/ whose `name` is the dataset's folder name, if any. */
function benchmarkFileFor(dataset: string): string | undefined {
  const dir = join(repoRoot, 'benchmarks');
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    try {
      if (JSON.parse(readFileSync(join(dir, file), 'utf8')).name === dataset) return join(dir, file);
    } catch {
      // not a benchmark file; keep looking
    }
  }
  return undefined;
}

function datasetArg(argv: string[]): string {
  const at = argv.indexOf('--dataset');
  return resolve(at >= 0 && argv[at + 1] ? argv[at + 1] : join(repoRoot, 'datasets', 'kpi-retail'));
}

const pct = (score: number) => `${(score * 100).toFixed(1)}%`;

export interface DemoHooks {
  io?: CliIo;
  /** the spaces as the demo leaves them, read just before the simulator stops */
  onSpacesLeft?: (spaces: SpaceWithConfig[]) => void;
}

/** `pnpm demo [-- --dataset DIR]`: the whole `genie-enhance run` against an in-process simulator. */
export async function runDemo(argv: string[], hooks: DemoHooks = {}): Promise<number> {
  const io = hooks.io ?? processIo();
  const dataset = datasetArg(argv);
  const sim = await createSimulator({ datasets: [dataset], genieLatencyMs: 20 });
  try {
    const space = sim.spaces[0];
    const file = benchmarkFileFor(basename(dataset));
    io.stderr.write(`demo: simulator on ${sim.url}, space ${space.space_id}, benchmark ${file ?? 'from the space'}\n`);
    let summary: InlineRunResult | undefined;
    const code = await runCli(
      [
        'run',
        '--host', sim.url,
        '--token', sim.token,
        '--space-id', space.space_id,
        '--warehouse-id', sim.warehouseId,
        '--warehouse-port', String(sim.warehousePort),
        ...(file ? ['--benchmarks', file] : ['--space-benchmarks']),
        // the demo's space is its own: the best kept configuration goes straight to it
        '--auto-promote',
      ],
      io,
      { caCertPem: sim.caCert, onSummary: (s) => (summary = s) },
    );
    for (const loop of summary?.loops ?? []) {
      const heldOut = loop.loop === 0 ? summary!.initial_holdout : loop.holdout_after;
      io.stdout.write(`loop ${loop.loop}: train ${pct(loop.score_after ?? loop.score_before ?? 0)}${heldOut === null ? '' : `, held-out ${pct(heldOut)}`} (${loop.fixes_applied} fixes applied, ${loop.kept === false ? 'rolled back' : loop.decision ?? '-'})\n`);
    }
    if (summary) {
      const heldOut = summary.holdout_count > 0 ? `, held-out ${pct(summary.final_holdout ?? 0)} of ${summary.holdout_count} questions the planner never saw` : '';
      io.stdout.write(`final: train ${pct(summary.final_score ?? 0)}${heldOut}\n`);
    }
    hooks.onSpacesLeft?.(sim.listSpaces());
    return code;
  } finally {
    await sim.close();
  }
}

if (process.argv[1] && import.meta.url.endsWith(basename(process.argv[1]))) {
  process.exitCode = await runDemo(process.argv.slice(2));
}
