import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLASSIC_LEVERS, parseSerializedSpace, type Fix } from '@genie-enhancer/shared';
import { expectNoLeak } from './helpers/leakage.ts';
import { runOnDataset } from './helpers/simulated-run.ts';

/**
 * datasets/cargo-levers: its failures need a join spec (a two-column depot key named differently on each side),
 * a filter snippet ("express" = two service codes) and a measure ("net fee" = gross minus rebate). The same loop
 * runs with every lever, and with the classic four only (descriptions, synonyms, rules, examples, metric views).
 */
const dataset = join(import.meta.dirname, '..', 'datasets', 'cargo-levers');
const run = (levers?: Fix['kind'][]) => runOnDataset(dataset, { config: { holdout: 0, max_loops: 3, target_score: 0.9, ...(levers ? { levers } : {}) } });
const pct = (x: number | null | undefined) => `${((x ?? 0) * 100).toFixed(1)}%`;

describe('levers on a dataset that needs them (cargo-levers)', () => {
  it('reaches the target with join specs and snippets, and stays low with the classic levers only', async () => {
    const on = await run();
    const off = await run([...CLASSIC_LEVERS]);
    console.log(`cargo-levers: levers on ${pct(on.summary.initial_score)} -> ${pct(on.summary.final_score)} (${on.summary.decision}); classic only ${pct(off.summary.initial_score)} -> ${pct(off.summary.final_score)} (${off.summary.decision})`);

    expect(on.summary.initial_score).toBeLessThan(0.5);
    expect(on.summary.final_score).toBeGreaterThanOrEqual(0.9);
    expect(on.summary.decision).toBe('target_reached');
    const instructions = on.finalSpace.instructions ?? {};
    // the planner chose the lever by the kind of failure
    expect(instructions.join_specs?.map((j) => j.sql.join(''))).toEqual(['s.hub_cd = d.depot_cd AND s.zone_cd = d.zone']);
    expect(instructions.sql_snippets?.filters?.map((f) => [f.alias, f.sql.join(''), f.synonyms])).toEqual([['express', "svc_cd IN ('X1', 'X2')", ['express']]]);
    expect(instructions.sql_snippets?.measures?.map((m) => [m.alias, m.sql.join(''), m.synonyms])).toEqual([['net_fee', 'SUM(gross_fee - rebate_fee)', ['net fee']]]);
    expectNoLeak(on.finalSpace, on.benchmark);

    expect(off.summary.initial_score).toBe(on.summary.initial_score);
    expect(off.summary.final_score!).toBeLessThan(0.9);
    expect(off.summary.decision).not.toBe('target_reached');
    const offSpace = off.finalSpace.instructions ?? {};
    expect(offSpace.join_specs ?? []).toEqual([]);
    expect([...(offSpace.sql_snippets?.filters ?? []), ...(offSpace.sql_snippets?.measures ?? [])]).toEqual([]);
    expect(parseSerializedSpace(JSON.stringify(off.finalSpace)).benchmarks?.questions?.length).toBe(on.benchmark.length);
  }, 240_000);
});
