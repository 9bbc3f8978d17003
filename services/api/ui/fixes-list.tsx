import type { FixesResponse, LoopView } from './types.ts';

const KIND_LABEL: Record<string, string> = { metric_view: 'Metric views', metadata: 'Table and column metadata', example_sql: 'Example SQL', text_instruction: 'Text instructions' };

/** Per loop: the applied fixes grouped by kind with rationale, targets and what they fixed; what the loop broke; what was rejected. */
export function FixesList({ loops, fixes }: { loops: LoopView[]; fixes: FixesResponse | undefined }) {
  const changed = loops.filter((l) => l.loop > 0);
  if (changed.length === 0) return <p class="muted">No loop has changed the space yet.</p>;
  return (
    <>
      {changed.map((loop) => {
        const extra = fixes?.loops.find((l) => l.loop === loop.loop);
        const kinds = [...new Set(loop.changes.map((c) => c.kind))];
        return (
          <article class="loop" data-loop={loop.loop}>
            <h3>
              Loop {loop.loop}{' '}
              {loop.rolled_back ? <span class="status failed">rolled back</span> : loop.kept === true ? <span class="status completed">kept</span> : loop.kept === false ? <span class="status failed">not kept</span> : null}
              <span class="muted"> {loop.score_before !== null && loop.score_after !== null ? `${Math.round(loop.score_before * 100)} % → ${Math.round(loop.score_after * 100)} %` : ''}</span>
            </h3>
            {loop.gate_reasons.length > 0 && <ul class="gate">{loop.gate_reasons.map((r) => <li>{r}</li>)}</ul>}
            {extra?.analysis && <p class="analysis">{extra.analysis}</p>}
            {kinds.map((kind) => (
              <section class="kind">
                <h4>{KIND_LABEL[kind] ?? kind}</h4>
                <ul>
                  {loop.changes.filter((c) => c.kind === kind).map((c) => (
                    <li>
                      {c.rationale}
                      <div class="muted">
                        targets {c.targets.length ? c.targets.join(', ') : '–'}; fixed {c.fixed.length ? c.fixed.join(', ') : 'none'}
                      </div>
                    </li>
                  ))}
                </ul>
              </section>
            ))}
            <p>
              <strong>Fixed:</strong> {loop.fixed.length ? loop.fixed.join(', ') : 'none'} · <strong>Broke:</strong> {loop.regressed.length ? loop.regressed.join(', ') : 'none'}
            </p>
            {extra && extra.rejected.length + extra.skipped.length > 0 && (
              <details>
                <summary>{extra.rejected.length + extra.skipped.length} rejected or skipped</summary>
                <ul>{[...extra.rejected, ...extra.skipped].map((r) => <li>{(r.fix as { kind?: string })?.kind ?? 'fix'}: {r.reason}</li>)}</ul>
              </details>
            )}
          </article>
        );
      })}
    </>
  );
}
