import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createSimulator, type Simulator } from '@genie-enhancer/databricks-sim';
import { BenchmarkFile, RunConfig, silentLogger, type RunState } from '@genie-enhancer/shared';
import { buildApi } from '../../services/api/src/app.ts';
import { HARMFUL, plannerWithOneHarmfulFix } from '../helpers/harmful-planner.ts';
import { startInProcessRuntime, type InProcessRuntime } from '../helpers/in-process-runtime.ts';
import { testRedis, type TestRedis } from '../helpers/test-redis.ts';
import { openBrowserPage, screenshotDir, type BrowserPage } from './browser-page.ts';

const root = join(import.meta.dirname, '..', '..');
const shots = screenshotDir();
const questions = BenchmarkFile.parse(JSON.parse(readFileSync(join(root, 'benchmarks', 'kpi_benchmark.json'), 'utf8'))).questions;

describe('run dashboard in Chromium: a run whose first change the gate rolled back, and a rollback from the page', () => {
  let t: TestRedis;
  let sim: Simulator;
  let runtime: InProcessRuntime;
  let api: Awaited<ReturnType<typeof buildApi>>;
  let browser: BrowserPage;
  let page: Page;
  let base: string;
  let state: RunState;
  const runId = randomUUID();

  beforeAll(async () => {
    t = await testRedis('ui-gate');
    sim = await createSimulator({ datasets: [join(root, 'datasets', 'kpi-retail')], genieLatencyMs: 20 });
    const key = randomBytes(24).toString('hex');
    api = await buildApi({ redis: t.redis, logger: silentLogger, benchmarksDir: join(root, 'benchmarks'), redisPrefix: t.prefix, bootstrapKeys: [{ key, scopes: ['admin'] }] });
    base = await api.listen({ port: 0, host: '127.0.0.1' });
    runtime = await startInProcessRuntime(sim, t, { wrapModel: plannerWithOneHarmfulFix() });
    const config = RunConfig.parse({ space_id: sim.spaces[0].space_id, warehouse_id: sim.warehouseId, max_loops: 4, genie_concurrency: 4, holdout: 0, in_place: true });
    await runtime.start(runId, config, questions);
    [state, browser] = await Promise.all([runtime.finished(runId), openBrowserPage(key)]);
    page = browser.page;
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await runtime?.close();
    await sim?.close();
    await t?.cleanup();
  });

  it('marks the rolled-back loop in the chart and the fixes, shows its change to serialized_space, and rolls the space back on request', async () => {
    const [, first] = state.loops;
    expect(first.rolled_back).toBe(true);
    const original = sim.getSpace(state.config.space_id)!.serialized_space;
    const before = (await runtime.store.snapshots(runId)).backups[1];
    expect(original).not.toBe(before); // a later loop's change is in place

    await page.goto(`${base}/#/runs/${runId}`);
    await page.getByTestId('score-chart').waitFor();
    const passes = state.loops.filter((l) => l.pass).length;
    expect(await page.getByTestId('train-point').count()).toBe(passes);
    const dropped = page.locator('[data-testid=score-chart] g.pass.dropped');
    expect(await dropped.evaluateAll((gs) => gs.map((g) => g.getAttribute('data-pass')))).toEqual(['1']);
    expect(await dropped.locator('text').textContent()).toBe('rolled back');
    await page.screenshot({ path: join(shots, 'run-page-rolled-back.png') });

    const loop1 = page.locator('article.loop[data-loop="1"]');
    expect(await loop1.locator('h3 .status').textContent()).toBe('rolled back');
    expect(await loop1.textContent()).toContain(HARMFUL.rationale);
    expect(await loop1.textContent()).toContain(`Broke: ${first.gate!.regressed.join(', ')}`);

    // the harmful instruction appears in the diff from the space before the run to loop 1's snapshot
    await page.getByLabel('To').selectOption({ label: 'after loop 1 (rolled back)' });
    const added = await page.getByTestId('space-diff').locator('.add').allTextContents();
    expect(added.join('')).toContain(HARMFUL.content);

    // rollback to the space as it was before the run, confirmed in the dialog
    await page.getByRole('button', { name: 'Rollback' }).click();
    const dialog = page.getByRole('dialog', { name: 'Rollback?' });
    await dialog.getByLabel('Configuration').selectOption({ label: 'as before the run' });
    await dialog.getByRole('button', { name: 'Rollback' }).click();
    await expect.poll(() => sim.getSpace(state.config.space_id)!.serialized_space, { timeout: 60_000 }).toBe(before);
    await expect.poll(async () => (await runtime.store.state(runId))!.phase, { timeout: 30_000 }).toBe('done');

    // the list filters by status
    await page.goto(`${base}/#/`);
    const row = page.locator(`tr[data-run-id="${runId}"]`);
    await row.waitFor();
    await page.getByLabel('Status').selectOption('failed');
    await page.getByText('No run matches the filters.').waitFor();
    await page.getByLabel('Status').selectOption('completed');
    await row.waitFor();
    expect(browser.consoleErrors).toEqual([]);
  }, 120_000);
});
