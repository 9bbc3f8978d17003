import { FIX_KINDS, type Fix, type FixKind } from '../schemas/index.ts';

/** Counts fixes per kind, every kind present. */
export function countByKind(fixes: readonly Fix[]): Record<FixKind, number> {
  const counts = Object.fromEntries(FIX_KINDS.map((k) => [k, 0])) as Record<FixKind, number>;
  for (const fix of fixes) counts[fix.kind]++;
  return counts;
}
