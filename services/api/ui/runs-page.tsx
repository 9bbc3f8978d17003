import { useState } from 'preact/hooks';
import { api } from './api.ts';
import { duration, pct, shortId, when } from './format.ts';
import { RunForm } from './run-form.tsx';
import { anyOf, SelectField } from './select-field.tsx';
import { Sparkline } from './sparkline.tsx';
import { isActive, type Pass, type RunSummary } from './types.ts';
import { usePoll } from './use-poll.ts';

const STATUSES = ['queued', 'running', 'awaiting_review', 'completed', 'promoted', 'discarded', 'failed', 'cancelled'];

// passes of a run, fetched again only when the run moved
const passCache = new Map<string, { updated_at: string; passes: Pass[] }>();

async function withPasses(runs: RunSummary[]) {
  await Promise.all(runs.map(async (run) => {
    if (passCache.get(run.run_id)?.updated_at === run.updated_at) return;
    // a run the dashboard's routes cannot read (gone from Redis) shows without its sparkline
    const passes = await api<{ passes: Pass[] }>(`/runs/${run.run_id}/passes`).then((r) => r.passes, () => undefined);
    if (passes) passCache.set(run.run_id, { updated_at: run.updated_at, passes });
  }));
  return runs;
}

export function StatusBadge({ status, stalled }: { status: string; stalled?: boolean }) {
  return <span class={`status ${status}${stalled ? ' stalled' : ''}`}>{status.replace('_', ' ')}{stalled ? ' (stalled)' : ''}</span>;
}

/** Recent runs, filterable by space and status, each with its scores per loop, and the form to start one. */
export function RunsPage() {
  const [space, setSpace] = useState('');
  const [status, setStatus] = useState('');
  const { value: runs, error } = usePoll(async () => withPasses((await api<{ runs: RunSummary[] }>('/runs?limit=50')).runs), 3000, []);
  const spaces = [...new Set((runs ?? []).map((r) => r.config.space_id))].sort();
  const shown = (runs ?? []).filter((r) => (!space || r.config.space_id === space) && (!status || r.status === status));
  return (
    <>
      <section aria-labelledby="runs-title">
        <div class="section-head">
          <h2 id="runs-title">Runs</h2>
          <div class="filters">
            <SelectField label="Space" value={space} onChange={setSpace} options={anyOf(spaces)} />
            <SelectField label="Status" value={status} onChange={setStatus} options={anyOf(STATUSES, (s) => s.replace('_', ' '))} />
          </div>
        </div>
        {error && <p class="error" role="alert">Cannot load runs: {error}</p>}
        {runs === undefined && !error && <p class="muted">Loading…</p>}
        {runs !== undefined && (
          <div class="table-wrap">
            <table class="runs" data-testid="runs-table">
              <thead>
                <tr><th>Run</th><th>Status</th><th>Space</th><th>Score per loop</th><th>Train</th><th>Held-out</th><th>Started</th><th>Duration</th></tr>
              </thead>
              <tbody>
                {shown.length === 0 && <tr><td colSpan={8} class="muted">No run{space || status ? ' matches the filters' : ' yet'}.</td></tr>}
                {shown.map((run) => {
                  const passes = passCache.get(run.run_id)?.passes ?? [];
                  const end = isActive(run.status) ? Date.now() : Date.parse(run.updated_at);
                  return (
                    <tr data-run-id={run.run_id}>
                      <td><a href={`#/runs/${run.run_id}`}>{shortId(run.run_id)}</a></td>
                      <td><StatusBadge status={run.status} stalled={run.stalled} /></td>
                      <td class="mono" title={run.config.space_id}>{shortId(run.config.space_id)}…</td>
                      <td><Sparkline train={passes.map((p) => p.score)} holdout={passes.map((p) => p.holdout?.score ?? null)} /></td>
                      <td>{pct(run.initial_score)} → {pct(run.final_score)}</td>
                      <td>{run.initial_holdout === null ? '–' : `${pct(run.initial_holdout)} → ${pct(run.final_holdout)}`}</td>
                      <td>{when(run.created_at)}</td>
                      <td>{duration(end - Date.parse(run.created_at))}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section>
        <RunForm onStarted={(id) => (location.hash = `#/runs/${id}`)} />
      </section>
    </>
  );
}
