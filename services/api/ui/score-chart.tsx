import type { Pass } from './types.ts';

const W = 640;
const H = 260;
const PAD = { left: 44, right: 36, top: 16, bottom: 40 };

/**
 * Score per pass: train (solid) and held-out (dashed) with their 95 % intervals as whiskers; a pass whose loop was not
 * kept or was rolled back is marked with a cross; the target as a dotted line.
 */
export function ScoreChart({ passes, target }: { passes: Pass[]; target: number }) {
  if (passes.length === 0) return <p class="muted">No pass scored yet.</p>;
  const innerW = W - PAD.left - PAD.right;
  const innerH = H - PAD.top - PAD.bottom;
  const n = passes.length;
  const x = (i: number) => PAD.left + (n === 1 ? innerW / 2 : (i * innerW) / (n - 1));
  const y = (v: number) => PAD.top + (1 - v) * innerH;
  const offset = n === 1 ? 6 : Math.min(6, innerW / (n - 1) / 6);
  const hasHoldout = passes.some((p) => p.holdout);
  const path = (values: (number | null)[], dx: number) => values.flatMap((v, i) => (v === null ? [] : [`${x(i) + dx},${y(v)}`])).join(' ');
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby="chart-title" data-testid="score-chart">
        <title id="chart-title">
          {`Score per pass: ${passes.map((p) => `pass ${p.pass} train ${Math.round(p.score * 100)} %${p.holdout ? `, held-out ${Math.round(p.holdout.score * 100)} %` : ''}${p.rolled_back ? ' (rolled back)' : p.kept === false ? ' (not kept)' : ''}`).join('; ')}`}
        </title>
        {[0, 0.25, 0.5, 0.75, 1].map((v) => (
          <g class="grid">
            <line x1={PAD.left} x2={W - PAD.right} y1={y(v)} y2={y(v)} />
            <text x={PAD.left - 6} y={y(v) + 4} text-anchor="end">{`${v * 100}`}</text>
          </g>
        ))}
        <line class="target" x1={PAD.left} x2={W - PAD.right} y1={y(target)} y2={y(target)}>
          <title>{`target ${Math.round(target * 100)} %`}</title>
        </line>
        {passes.map((p, i) => <text class="axis" x={x(i)} y={H - PAD.bottom + 18} text-anchor="middle">{p.pass === 0 ? 'base' : `loop ${p.pass}`}</text>)}
        <polyline class="train" points={path(passes.map((p) => p.score), 0)} />
        {hasHoldout && <polyline class="holdout" points={path(passes.map((p) => p.holdout?.score ?? null), offset)} />}
        {passes.map((p, i) => (
          <g class={`pass${p.rolled_back || p.kept === false ? ' dropped' : ''}`} data-pass={p.pass}>
            <line class="interval train" x1={x(i)} x2={x(i)} y1={y(p.interval[0])} y2={y(p.interval[1])} />
            <circle class="point train" data-testid="train-point" cx={x(i)} cy={y(p.score)} r={5}>
              <title>{`pass ${p.pass}: train ${Math.round(p.score * 100)} % (${p.passed}/${p.total}), 95 % interval ${Math.round(p.interval[0] * 100)}–${Math.round(p.interval[1] * 100)} %`}</title>
            </circle>
            {p.holdout && (
              <>
                <line class="interval holdout" x1={x(i) + offset} x2={x(i) + offset} y1={y(p.holdout.interval[0])} y2={y(p.holdout.interval[1])} />
                <rect class="point holdout" x={x(i) + offset - 4} y={y(p.holdout.score) - 4} width={8} height={8}>
                  <title>{`pass ${p.pass}: held-out ${Math.round(p.holdout.score * 100)} % (${p.holdout.passed}/${p.holdout.total})`}</title>
                </rect>
              </>
            )}
            {(p.rolled_back || p.kept === false) && (
              <g class="dropped-mark">
                <path d={`M${x(i) - 7},${y(p.score) - 7} l14,14 m0,-14 l-14,14`} />
                <text x={x(i)} y={H - PAD.bottom + 32} text-anchor="middle">{p.rolled_back ? 'rolled back' : 'not kept'}</text>
              </g>
            )}
          </g>
        ))}
      </svg>
      <figcaption>
        <span class="key train">train</span>
        {hasHoldout && <span class="key holdout">held-out</span>}
        <span class="key target">target {Math.round(target * 100)} %</span>
        <span class="key dropped">✕ change not kept / rolled back</span>
        <span class="muted">whiskers: 95 % interval</span>
      </figcaption>
    </figure>
  );
}
