// A report a screen part reads whenever its inputs change: the answer to
// the latest request only (an older one arriving late is dropped), and
// the error line `useError` would show.
import { useEffect, useState } from 'preact/hooks';
import { useError } from './useError';

export function useReport<T>(load: () => Promise<T>, inputs: unknown[]): [T | null, string] {
  const [report, setReport] = useState<T | null>(null);
  const [error, setError, fail] = useError();
  useEffect(() => {
    let live = true;
    load().then((r) => {
      if (!live) return;
      setReport(r);
      setError('');
    }).catch((e) => {
      if (live) fail(e);
    });
    return () => {
      live = false;
    };
  }, inputs);
  return [report, error];
}
