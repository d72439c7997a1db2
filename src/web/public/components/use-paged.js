// Paged reads. `fetchAll` walks every page of a list (for lists shown newest first, which the API
// returns oldest first); `usePagedList` keeps appending pages of a listing ("Load more").
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';

const PAGE = 500;

/** Every item of `path` (which must not carry page/size), page by page. */
export async function fetchAll(path) {
  const all = [];
  const join = path.includes('?') ? '&' : '?';
  for (let page = 1; ; page += 1) {
    const items = await api.get(`${path}${join}size=${PAGE}&page=${page}`);
    all.push(...items);
    if (items.length < PAGE) return all;
  }
}

/** Pages of `path(page)`: { items, error, loading, done, more, reload }. */
export function usePagedList(path, size, deps) {
  const [state, setState] = useState({ items: [], page: 0, error: null, loading: true, done: false });
  const [tick, setTick] = useState(0);
  // Answers to an older query (the filters changed meanwhile) are dropped.
  const generation = useRef(0);
  const load = useCallback(
    (page, keep) => {
      const mine = keep ? generation.current : ++generation.current;
      setState((s) => ({ ...s, loading: true, error: null }));
      const live = () => generation.current === mine;
      return api.get(path(page)).then(
        (items) => live() && setState((s) => ({ items: [...(keep ? s.items : []), ...items], page, error: null, loading: false, done: items.length < size })),
        (error) => live() && setState((s) => ({ ...s, error, loading: false })),
      );
    },
    [...deps, tick],
  );
  useEffect(() => {
    setState({ items: [], page: 0, error: null, loading: true, done: false });
    load(1, false);
  }, [load]);
  return {
    ...state,
    more: () => load(state.page + 1, true),
    reload: () => setTick((t) => t + 1),
  };
}
