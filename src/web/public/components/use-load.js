// Loads data for a page: { data, error, loading, reload }. `deps` re-run it (e.g. a filter).
import { useCallback, useEffect, useState } from 'preact/hooks';

export function useLoad(load, deps) {
  const [state, setState] = useState({ data: undefined, error: null, loading: true });
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => live && setState({ data, error: null, loading: false }),
      (error) => live && setState({ data: undefined, error, loading: false }),
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  return { ...state, reload };
}

/** Runs an action, reporting success or failure through setNotice; returns its result or undefined. */
export function useAction(setNotice) {
  const [busy, setBusy] = useState(false);
  const run = useCallback(
    async (action, successText) => {
      setBusy(true);
      try {
        const result = await action();
        if (successText) setNotice({ kind: 'success', text: successText });
        return result ?? true;
      } catch (error) {
        setNotice({ kind: 'error', text: error.message, details: Array.isArray(error.details) ? error.details : [] });
        return undefined;
      } finally {
        setBusy(false);
      }
    },
    [setNotice],
  );
  return [run, busy];
}
