import { useEffect, useRef, useState } from 'preact/hooks';

/** Calls `load` now and every `intervalMs` while `active`; a failed load keeps the last value and shows the error. */
export function usePoll<T>(load: () => Promise<T>, intervalMs: number, deps: unknown[], active = true) {
  const [value, setValue] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      try {
        const next = await loadRef.current();
        if (stopped) return;
        setValue(next);
        setError(undefined);
      } catch (e) {
        if (!stopped) setError((e as Error).message);
      }
      if (!stopped && active) timer = setTimeout(run, intervalMs);
    };
    void run();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [...deps, active, tick]);
  return { value, error, reload: () => setTick((t) => t + 1) };
}
