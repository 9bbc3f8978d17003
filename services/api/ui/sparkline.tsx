/** Train (solid) and held-out (dashed) score per pass, 0..1, in a line's height. */
export function Sparkline({ train, holdout }: { train: number[]; holdout: (number | null)[] }) {
  const w = 96;
  const h = 24;
  if (train.length === 0) return <span class="muted">–</span>;
  const x = (i: number) => (train.length === 1 ? w / 2 : 2 + (i * (w - 4)) / (train.length - 1));
  const y = (v: number) => h - 2 - v * (h - 4);
  const line = (values: (number | null)[]) => values.flatMap((v, i) => (v === null ? [] : [`${x(i)},${y(v)}`])).join(' ');
  const label = `train ${train.map((v) => Math.round(v * 100)).join(' → ')} %` + (holdout.some((v) => v !== null) ? `; held-out ${holdout.map((v) => (v === null ? '–' : Math.round(v * 100))).join(' → ')} %` : '');
  return (
    <svg class="sparkline" width={w} height={h} viewBox={`0 0 ${w} ${h}`} role="img" aria-label={label}>
      <title>{label}</title>
      <polyline class="train" points={line(train)} />
      {holdout.some((v) => v !== null) && <polyline class="holdout" points={line(holdout)} />}
      {train.map((v, i) => <circle class="train" cx={x(i)} cy={y(v)} r={1.8} />)}
    </svg>
  );
}
