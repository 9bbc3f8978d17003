import { useState } from 'preact/hooks';
import { api, ApiError } from './api.ts';
import { ConfirmButton } from './confirm-button.tsx';
import { FixesList } from './fixes-list.tsx';
import { duration, pct, when } from './format.ts';
import { QuestionsTable } from './questions-table.tsx';
import { StatusBadge } from './runs-page.tsx';
import { ScoreChart } from './score-chart.tsx';
import { SelectField } from './select-field.tsx';
import { SpaceDiff } from './text-diff.tsx';
import { isActive, type FixesResponse, type Pass, type Progress, type QuestionResult, type RunDetail, type Snapshot } from './types.ts';
import { usePoll } from './use-poll.ts';

// the dashboard's own read routes know only runs still in Redis; a run read from elsewhere shows without them
const optional = <T,>(request: Promise<T>) => request.catch(() => undefined);

/** The passes as GET /runs/:id tells them, without intervals. */
function passesOf(run: RunDetail): Pass[] {
  const point = (score: number): [number, number] => [score, score];
  return run.scores.map((s) => ({
    pass: s.loop, score: s.score, interval: point(s.score), passed: s.passed, total: s.total,
    holdout: s.holdout === null ? null : { score: s.holdout, interval: point(s.holdout), passed: 0, total: 0 },
    kept: s.kept, rolled_back: run.loops.find((l) => l.loop === s.loop)?.rolled_back ?? false, gate_reasons: [],
  }));
}

interface Details {
  passes: Pass[];
  questions: { loop: number; results: QuestionResult[] }[];
  fixes: FixesResponse;
  snapshots: Snapshot[];
}

/** One run: live progress, score chart, questions, fixes, the space's diff, and the decisions a person can take. */
export function RunPage({ id }: { id: string }) {
  const [moving, setMoving] = useState(true);
  const [actionError, setActionError] = useState<string | undefined>(undefined);
  const live = usePoll(async () => {
    const [run, progress] = await Promise.all([api<RunDetail>(`/runs/${id}`), optional(api<Progress>(`/runs/${id}/progress`))]);
    setMoving(isActive(run.status) || run.phase !== 'done');
    return { run, progress };
  }, 1000, [id], moving);
  const run = live.value?.run;
  // the heavier reads follow the run: fetched again whenever it changes stage, loop or status
  const version = run ? `${run.status}|${run.phase}|${run.loop}|${run.scores.length}|${run.updated_at}` : '';
  const details = usePoll<Details | undefined>(async () => {
    if (!run) return undefined;
    const [passes, questions, fixes, snapshots] = await Promise.all([
      optional(api<{ passes: Pass[] }>(`/runs/${id}/passes`)),
      api<{ loops: Details['questions'] }>(`/runs/${id}/questions`),
      api<FixesResponse>(`/runs/${id}/fixes`),
      optional(api<{ snapshots: Snapshot[] }>(`/runs/${id}/snapshots`)),
    ]);
    return { passes: passes?.passes ?? passesOf(run), questions: questions.loops, fixes, snapshots: snapshots?.snapshots ?? [] };
  }, 0, [id, version], false);

  const act = async (path: string, body: unknown = {}) => {
    setActionError(undefined);
    try {
      await api(`/runs/${id}/${path}`, { method: 'POST', body });
      setMoving(true);
      live.reload();
    } catch (e) {
      setActionError((e as ApiError).message);
    }
  };

  if (live.error && !run) return <p class="error" role="alert">Cannot load run {id}: {live.error}</p>;
  if (!run) return <p class="muted">Loading…</p>;
  const d = details.value;
  const active = isActive(run.status);
  const settled = run.phase === 'done';
  return (
    <>
      <p><a href="#/">← All runs</a></p>
      <section class="run-head" aria-labelledby="run-title">
        <h2 id="run-title">Run <span class="mono">{id}</span> <StatusBadge status={run.status} stalled={run.stalled} /></h2>
        <dl class="facts">
          <div><dt>Space</dt><dd class="mono">{run.config.space_id}</dd></div>
          {run.staging_space_id && <div><dt>Staging copy</dt><dd class="mono">{run.staging_space_id}</dd></div>}
          <div><dt>Benchmark</dt><dd>{run.benchmark_source}, {run.question_count} questions</dd></div>
          <div><dt>Train</dt><dd>{pct(run.initial_score)} → {pct(run.final_score)} (target {pct(run.config.target_score)})</dd></div>
          <div><dt>Held-out</dt><dd>{run.initial_holdout === null ? '–' : `${pct(run.initial_holdout)} → ${pct(run.final_holdout)}`}</dd></div>
          <div><dt>Started</dt><dd>{when(run.created_at)}</dd></div>
          <div><dt>Duration</dt><dd>{duration((active ? Date.now() : Date.parse(run.updated_at)) - Date.parse(run.created_at))}</dd></div>
          {run.decision && <div><dt>Decision</dt><dd>{run.decision.replaceAll('_', ' ')}</dd></div>}
        </dl>
        {run.error && <p class="error">{run.error}</p>}
        {run.promotion_error && <p class="error">Promotion refused: {run.promotion_error}</p>}
        <ProgressLine run={run} progress={live.value!.progress} active={active || !settled} />
        <div class="actions">
          <ConfirmButton label="Promote" question="Write this run's best kept configuration to the original space?" disabled={run.status !== 'awaiting_review' || !settled} onConfirm={() => void act('promote')} />
          <ConfirmButton label="Discard" danger question="Trash this run's staging copy and the metric views it created?" disabled={run.status !== 'awaiting_review' || !settled} onConfirm={() => void act('discard')} />
          <RollbackButton run={run} disabled={active || !settled} onConfirm={(loop) => void act('rollback', { loop })} />
          <ConfirmButton label="Cancel run" danger question="Cancel this run? Work in flight is dropped." disabled={!active} onConfirm={() => void act('cancel')} />
          <a class="button" href="/admin/queues" target="_blank" rel="noopener">Queues (Bull Board)</a>
        </div>
        {actionError && <p class="error" role="alert">{actionError}</p>}
      </section>

      <section aria-labelledby="chart-head">
        <h2 id="chart-head">Score per loop</h2>
        {d ? <ScoreChart passes={d.passes} target={run.config.target_score} /> : <p class="muted">Loading…</p>}
      </section>

      <section aria-labelledby="questions-head">
        <h2 id="questions-head">Questions</h2>
        {d ? <QuestionsTable loops={d.questions} /> : <p class="muted">Loading…</p>}
      </section>

      <section aria-labelledby="fixes-head">
        <h2 id="fixes-head">Fixes per loop</h2>
        <FixesList loops={run.loops} fixes={d?.fixes} />
      </section>

      <section aria-labelledby="diff-head">
        <h2 id="diff-head">serialized_space changes</h2>
        {d ? <SnapshotDiff snapshots={d.snapshots} /> : <p class="muted">Loading…</p>}
      </section>
    </>
  );
}

function ProgressLine({ run, progress: reported, active }: { run: RunDetail; progress: Progress | undefined; active: boolean }) {
  if (!active) return null;
  const progress = reported ?? { status: run.status, loop: run.loop, stage: run.phase, done: null, total: null, started_at: null, eta_seconds: null };
  const stage = progress.stage === 'score' ? (progress.loop === 0 ? 'scoring the baseline' : `scoring after loop ${progress.loop}`) : `${progress.stage}, loop ${progress.loop}`;
  return (
    <div class="progress" role="status" aria-live="polite" data-testid="progress">
      <strong>Now:</strong> {stage}
      {progress.total !== null && (
        <>
          {' '}· <span data-testid="progress-count">{progress.done} / {progress.total} questions</span>
          <progress max={progress.total} value={progress.done ?? 0} />
          {progress.eta_seconds !== null && <span> · about {duration(progress.eta_seconds * 1000)} left</span>}
        </>
      )}
    </div>
  );
}

function RollbackButton({ run, disabled, onConfirm }: { run: RunDetail; disabled: boolean; onConfirm: (loop: number) => void }) {
  const kept = run.loops.filter((l) => l.loop > 0 && l.kept && !l.rolled_back).map((l) => l.loop);
  const [loop, setLoop] = useState(0);
  return (
    <ConfirmButton label="Rollback" danger disabled={disabled} question="Put a configuration of this run back onto its space?" onConfirm={() => onConfirm(loop)}>
      <SelectField label="Configuration" value={loop} onChange={setLoop} options={[{ value: 0, label: 'as before the run' }, ...kept.map((k) => ({ value: k, label: `after loop ${k}` }))]} />
    </ConfirmButton>
  );
}

function SnapshotDiff({ snapshots }: { snapshots: Snapshot[] }) {
  const [from, setFrom] = useState(0);
  const [to, setTo] = useState<number | undefined>(undefined);
  if (snapshots.length < 2) return <p class="muted">No change to the space yet.</p>;
  const toIndex = to ?? snapshots.length - 1;
  const options = snapshots.map((s, i) => ({ value: i, label: s.label }));
  return (
    <>
      <div class="filters">
        <SelectField label="From" value={from} onChange={setFrom} options={options} />
        <SelectField label="To" value={toIndex} onChange={setTo} options={options} />
      </div>
      <SpaceDiff before={snapshots[from].serialized_space} after={snapshots[toIndex].serialized_space} />
    </>
  );
}
