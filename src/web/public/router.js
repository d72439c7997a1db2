// Hash routing: `#/leads/<id>?tab=x` → { path: ['leads', '<id>'], params: {tab: 'x'} }.
// Hash routes need no server support and keep every page a bookmarkable URL.
import { useEffect, useState } from 'preact/hooks';

export function parseHash(hash) {
  const [pathPart, queryPart = ''] = hash.replace(/^#\/?/, '').split('?');
  const path = pathPart.split('/').filter(Boolean).map(decodeURIComponent);
  return { path, params: Object.fromEntries(new URLSearchParams(queryPart)) };
}

export function useRoute() {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const update = () => setRoute(parseHash(location.hash));
    addEventListener('hashchange', update);
    return () => removeEventListener('hashchange', update);
  }, []);
  return route;
}

export function navigate(hash) {
  location.hash = hash;
}

/** `#/path?x=1` from parts and params (empty params left out). */
export function href(path, params = {}) {
  const search = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== ''));
  const text = search.toString();
  return `#/${path}${text ? `?${text}` : ''}`;
}
