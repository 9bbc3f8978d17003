import { useState } from 'preact/hooks';
import { api, ApiError, type Issue } from './api.ts';

type Field = 'space_id' | 'warehouse_id' | 'benchmark' | 'max_loops' | 'target_score' | 'form';

/** Which form field an issue of POST /runs belongs to: `body.questions.3.expected_sql` → the upload. */
function fieldOf(issue: Issue): Field {
  const path = issue.path.replace(/^body\.?/, '');
  if (path.startsWith('questions') || path.startsWith('space_benchmarks') || path.startsWith('benchmark_name')) return 'benchmark';
  for (const f of ['space_id', 'warehouse_id', 'max_loops', 'target_score'] as const) if (path === f) return f;
  return 'form';
}

const remembered = (name: string) => localStorage.getItem(`ge.${name}`) ?? '';

/** Starts a run: a space, a warehouse and a benchmark (an uploaded file or the space's own); the API's 400 issues shown at their fields. */
export function RunForm({ onStarted }: { onStarted: (runId: string) => void }) {
  const [source, setSource] = useState<'upload' | 'space'>('upload');
  const [errors, setErrors] = useState<Partial<Record<Field, string[]>>>({});
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const body: Record<string, unknown> = {
      space_id: String(data.get('space_id') ?? '').trim(),
      warehouse_id: String(data.get('warehouse_id') ?? '').trim(),
      max_loops: Number(data.get('max_loops')),
      target_score: Number(data.get('target_score')) / 100,
      auto_promote: data.get('auto_promote') === 'on',
    };
    const next: Partial<Record<Field, string[]>> = {};
    if (source === 'space') body.space_benchmarks = true;
    else {
      const file = data.get('benchmark_file');
      if (!(file instanceof File) || file.size === 0) next.benchmark = ['choose a benchmark file (JSON: {"questions": [...]})'];
      else {
        try {
          const parsed = JSON.parse(await file.text());
          body.questions = Array.isArray(parsed) ? parsed : parsed.questions;
          if (body.questions === undefined) next.benchmark = [`${file.name} has no "questions" list`];
        } catch (e) {
          next.benchmark = [`${file.name} is not JSON: ${(e as Error).message}`];
        }
      }
    }
    setErrors(next);
    if (Object.keys(next).length) return;
    setBusy(true);
    try {
      const started = await api<{ run_id: string }>('/runs', { method: 'POST', body });
      localStorage.setItem('ge.space_id', String(body.space_id));
      localStorage.setItem('ge.warehouse_id', String(body.warehouse_id));
      onStarted(started.run_id);
    } catch (e) {
      const error = e as ApiError;
      const byField: Partial<Record<Field, string[]>> = {};
      const issues = error.issues?.length ? error.issues : [{ path: 'form', message: error.message }];
      for (const issue of issues) {
        const field = fieldOf(issue);
        const where = issue.path.replace(/^body\.?/, '');
        (byField[field] ??= []).push(field === 'benchmark' && where.startsWith('questions.') ? `${where}: ${issue.message}` : issue.message);
      }
      setErrors(byField);
    } finally {
      setBusy(false);
    }
  };

  const errorOf = (field: Field) =>
    errors[field]?.length ? <p class="field-error" id={`${field}-error`} role="alert">{errors[field]!.join('; ')}</p> : null;
  const described = (field: Field) => (errors[field]?.length ? { 'aria-invalid': true, 'aria-describedby': `${field}-error` } : {});

  return (
    <form class="run-form" onSubmit={submit} noValidate aria-labelledby="start-title">
      <h2 id="start-title">Start a run</h2>
      <div class="fields">
        <label>
          Space id
          <input name="space_id" required defaultValue={remembered('space_id')} placeholder="32 hex characters" autoComplete="off" {...described('space_id')} />
          {errorOf('space_id')}
        </label>
        <label>
          Warehouse id
          <input name="warehouse_id" required defaultValue={remembered('warehouse_id')} placeholder="16 hex characters" autoComplete="off" {...described('warehouse_id')} />
          {errorOf('warehouse_id')}
        </label>
        <label>
          Loops at most
          <input name="max_loops" type="number" min={1} max={20} defaultValue="3" {...described('max_loops')} />
          {errorOf('max_loops')}
        </label>
        <label>
          Target score (%)
          <input name="target_score" type="number" min={1} max={100} defaultValue="90" {...described('target_score')} />
          {errorOf('target_score')}
        </label>
      </div>
      <fieldset class="benchmark">
        <legend>Benchmark</legend>
        <label class="inline">
          <input type="radio" name="source" value="upload" checked={source === 'upload'} onChange={() => setSource('upload')} /> Upload a benchmark file
        </label>
        <label class="inline">
          <input type="radio" name="source" value="space" checked={source === 'space'} onChange={() => setSource('space')} /> The space's own benchmarks
        </label>
        {source === 'upload' && (
          <label>
            Benchmark file (JSON)
            <input name="benchmark_file" type="file" accept=".json,application/json" {...described('benchmark')} />
          </label>
        )}
        {errorOf('benchmark')}
      </fieldset>
      <label class="inline">
        <input name="auto_promote" type="checkbox" /> Promote the best kept configuration at the end (else the run awaits review)
      </label>
      {errorOf('form')}
      <button type="submit" class="primary" disabled={busy}>{busy ? 'Starting…' : 'Start run'}</button>
    </form>
  );
}
