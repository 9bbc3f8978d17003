import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createSimulator, type Simulator } from '@genie-enhancer/databricks-sim';
import { BenchmarkFile } from '@genie-enhancer/shared';
import { apiFetch, startServiceStack, type ServiceStack } from '../helpers/service-stack.ts';
import { testRedis, type TestRedis } from '../helpers/test-redis.ts';
import { openBrowserPage, screenshotDir, type BrowserPage } from './browser-page.ts';

const root = join(import.meta.dirname, '..', '..');
const benchmarkFile = join(root, 'benchmarks', 'kpi_benchmark.json');
const benchmark = BenchmarkFile.parse(JSON.parse(readFileSync(benchmarkFile, 'utf8'))).questions;
const shots = screenshotDir();

describe('run dashboard in Chromium: start a run from the form, watch it, promote it (API + workers + simulator)', () => {
  let t: TestRedis;
  let sim: Simulator;
  let stack: ServiceStack;
  let browser: BrowserPage;
  let page: Page;
  let consoleErrors: string[];

  beforeAll(async () => {
    t = await testRedis('ui');
    sim = await createSimulator({ datasets: [join(root, 'datasets', 'kpi-retail')], genieLatencyMs: 300 });
    stack = await startServiceStack(sim, t, { scorers: 1, env: { GENIE_QUESTIONS_PER_MINUTE: '0', GENIE_MAX_IN_FLIGHT: '8' } });
    browser = await openBrowserPage(stack.apiKey);
    ({ page, consoleErrors } = browser);
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    await sim?.close();
    await t?.cleanup();
  });

  const runsCount = async () => (await (await apiFetch(stack.api, '/runs')).json()).runs.length as number;
  const space = () => sim.spaces.find((s) => s.title === 'Retail KPIs')!;

  async function fillIds() {
    await page.getByLabel('Space id').fill(space().space_id);
    await page.getByLabel('Warehouse id').fill(sim.warehouseId);
  }

  it('refuses an unsafe benchmark upload at the file field and starts nothing', async () => {
    await page.goto(`${stack.api}/`);
    await page.getByRole('heading', { name: 'Start a run' }).waitFor();
    await fillIds();
    const unsafe = { questions: [{ id: 'q1', question: 'How many stores?', expected_sql: 'DROP TABLE main.retail.stores' }] };
    await page.getByLabel('Benchmark file (JSON)').setInputFiles({ name: 'unsafe.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(unsafe)) });
    await page.getByRole('button', { name: 'Start run' }).click();

    const error = page.locator('#benchmark-error');
    await error.waitFor();
    expect(await error.textContent()).toMatch(/questions\.0\.expected_sql: .*q1/);
    expect(await page.getByLabel('Benchmark file (JSON)').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#space_id-error').count()).toBe(0);
    expect(page.url()).not.toContain('#/runs/');
    expect(await runsCount()).toBe(0);
    // Chromium logs every 4xx response; the refused POST is the only entry, and no script error
    expect(consoleErrors).toEqual([expect.stringMatching(/status of 400 .*\/runs\)$/)]);
    consoleErrors.length = 0;
  });

  it('starts a run from an uploaded benchmark, shows its progress and outcome, and promotes it from the page', async () => {
    const original = sim.getSpace(space().space_id)!.serialized_space;
    await page.goto(`${stack.api}/`);
    await fillIds();
    await page.getByLabel('Benchmark file (JSON)').setInputFiles(benchmarkFile);
    // every progress text the page shows, as it shows it (the page is never reloaded while the run goes on)
    await page.evaluate(() => {
      const seen: string[] = ((window as unknown as { progressSeen: string[] }).progressSeen = []);
      new MutationObserver(() => {
        const text = document.querySelector('[data-testid=progress-count]')?.textContent;
        if (text && seen.at(-1) !== text) seen.push(text);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await page.getByRole('button', { name: 'Start run' }).click();
    await page.waitForURL(/#\/runs\/[0-9a-f-]{36}$/);
    const runId = page.url().split('#/runs/')[1];

    // live progress of the baseline pass, without a reload
    const count = page.getByTestId('progress-count');
    await count.waitFor({ timeout: 60_000 });
    expect(await count.textContent()).toMatch(new RegExp(`^\\d+ / ${benchmark.length} questions$`));
    await page.screenshot({ path: join(shots, 'run-page-progress.png') });

    await page.locator('.run-head .status', { hasText: 'awaiting review' }).waitFor({ timeout: 180_000 });
    const run = await (await apiFetch(stack.api, `/runs/${runId}`)).json();
    expect(run.status).toBe('awaiting_review');
    // the count moved while the page stayed open: some answers in, before the pass was over
    const seen: string[] = await page.evaluate(() => (window as unknown as { progressSeen: string[] }).progressSeen);
    expect(seen.map((text) => Number(text.split(' / ')[0])).some((done) => done > 0), seen.join(', ')).toBe(true);
    expect(run.scores.length).toBeGreaterThanOrEqual(2);

    // one chart point per scoring pass; the questions table lists every scored question of the last pass
    await expect.poll(() => page.getByTestId('train-point').count(), { timeout: 15_000 }).toBe(run.scores.length);
    const scored = benchmark.map((q) => q.id).filter((id) => !run.excluded.some((e: { question_id: string }) => e.question_id === id));
    const rows = page.locator('[data-testid=questions-table] tbody tr[data-question-id]');
    expect((await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-question-id')))).sort()).toEqual([...scored].sort());
    await page.screenshot({ path: join(shots, 'run-page.png') });
    await page.screenshot({ path: join(shots, 'run-page-full.png'), fullPage: true });

    // a question Genie answered with wrong SQL: its SQL beside the expected SQL, differences marked, with the result difference
    const results: { loops: { loop: number; results: { question_id: string; verdict: string; genie_sql?: string; reason: string }[] }[] } =
      await (await apiFetch(stack.api, `/runs/${runId}/questions`)).json();
    const wrong = results.loops.flatMap((l) => l.results.filter((r) => r.verdict === 'fail' && r.genie_sql).map((r) => ({ loop: l.loop, ...r })))[0];
    expect(wrong, 'some pass has a question answered with wrong SQL').toBeDefined();
    await page.locator('select[name=pass]').selectOption(String(wrong.loop));
    await page.locator('select[name=verdict]').selectOption('fail');
    const questionId = wrong.question_id;
    const failed = rows.and(page.locator(`[data-question-id="${questionId}"]`));
    await failed.getByRole('button', { name: 'Compare' }).click();
    const diff = page.getByTestId('sql-diff');
    await diff.waitFor();
    expect(await diff.locator('pre').nth(1).textContent()).toBe(benchmark.find((q) => q.id === questionId)!.expected_sql);
    expect(await diff.locator('del, ins').count()).toBeGreaterThan(0);
    expect(await diff.locator('pre').nth(0).textContent()).toBe(wrong.genie_sql);
    expect(await page.locator('.result-difference').textContent()).toBe(`Result difference: ${wrong.reason}`);
    await page.screenshot({ path: join(shots, 'sql-diff.png'), fullPage: false });

    // the staging copy's serialized_space changed: the diff shows added lines
    expect(await page.getByTestId('space-diff').locator('.add').count()).toBeGreaterThan(0);

    // promote with the keyboard: Tab to the button, Enter, confirm in the dialog
    await page.locator('a[href="#/"]', { hasText: 'All runs' }).focus();
    for (let i = 0; i < 40 && !(await page.evaluate(() => document.activeElement?.textContent === 'Promote')); i++) await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Promote?' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Promote' }).focus();
    await page.keyboard.press('Enter');
    await page.locator('.run-head .status', { hasText: 'promoted' }).waitFor({ timeout: 60_000 });
    expect(sim.getSpace(space().space_id)!.serialized_space).not.toBe(original);

    // the list shows the run with its sparkline, at desktop and phone width, without sideways scrolling of the page
    await page.goto(`${stack.api}/#/`);
    const row = page.locator(`tr[data-run-id="${runId}"]`);
    await row.waitFor();
    expect(await row.locator('.status').textContent()).toBe('promoted');
    expect(await row.locator('svg.sparkline circle').count()).toBe(run.scores.length);
    await page.screenshot({ path: join(shots, 'runs-list.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${stack.api}/#/runs/${runId}`);
    await page.getByTestId('score-chart').waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(shots, 'run-page-phone.png'), fullPage: false });

    expect(consoleErrors).toEqual([]);
  }, 300_000);
});
