/** Value normalisation for execution-accuracy comparison (rules in docs/scoring.md). */

export type Normal = { kind: 'null' } | { kind: 'number'; value: number } | { kind: 'time'; value: number } | { kind: 'bool'; value: boolean } | { kind: 'text'; value: string };

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}(?:\.\d+)?))?(Z|[+-]\d{2}:?\d{2})?)?$/;

export function normalizeValue(value: unknown): Normal {
  if (value === null || value === undefined) return { kind: 'null' };
  if (typeof value === 'number') return { kind: 'number', value };
  if (typeof value === 'bigint') return { kind: 'number', value: Number(value) };
  if (typeof value === 'boolean') return { kind: 'bool', value };
  if (value instanceof Date) return { kind: 'time', value: value.getTime() };
  const text = String(value).trim();
  if (NUMBER.test(text)) return { kind: 'number', value: Number(text) };
  if (/^(true|false)$/i.test(text)) return { kind: 'bool', value: text.toLowerCase() === 'true' };
  const date = DATE.exec(text);
  if (date) {
    const iso = `${date[1]}-${date[2]}-${date[3]}T${date[4] ?? '00'}:${date[5] ?? '00'}:${date[6] ?? '00'}${date[7] ?? 'Z'}`;
    const ms = Date.parse(iso);
    if (!Number.isNaN(ms)) return { kind: 'time', value: ms };
  }
  return { kind: 'text', value: text };
}

export interface Tolerance {
  relative: number;
  absolute: number;
}

export function valuesEqual(a: Normal, b: Normal, tolerance: Tolerance): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'null') return true;
  if (a.kind === 'number' && b.kind === 'number') {
    const diff = Math.abs(a.value - b.value);
    return diff <= tolerance.absolute || diff <= tolerance.relative * Math.max(Math.abs(a.value), Math.abs(b.value));
  }
  return (a as { value: unknown }).value === (b as { value: unknown }).value;
}

/** A hash key for bucketing: numbers rounded to 6 significant digits; equality itself is `valuesEqual`. */
export function valueKey(v: Normal): string {
  switch (v.kind) {
    case 'null':
      return 'N';
    case 'number':
      // an integer of up to 6 digits is its own 6-significant-digit rounding (the common case, without toPrecision)
      if (Number.isInteger(v.value) && Math.abs(v.value) < 1e6) return `n${v.value === 0 ? 0 : v.value}`;
      return Math.abs(v.value) < 1e-9 ? 'n0' : `n${Number(v.value.toPrecision(6))}`;
    case 'time':
      return `t${v.value}`;
    case 'bool':
      return `b${v.value}`;
    case 'text':
      return `s${v.value}`;
  }
}

export function displayValue(v: Normal): string {
  if (v.kind === 'null') return 'NULL';
  if (v.kind === 'time') return new Date(v.value).toISOString().replace('T00:00:00.000Z', '');
  return String(v.value);
}
