// Shared frame of the lead page's sections: a titled card whose list reloads when the lead changes,
// shows the newest items first (20 at a time, "Show more" without limit), and shows the result of
// its own actions inside the card, next to the controls that caused them.
import { createContext } from 'preact';
import { useContext, useMemo, useState } from 'preact/hooks';
import { html } from '../html.js';
import { Notice } from './notice.js';
import { LoadError } from './page.js';
import { useLoad } from './use-load.js';
import { fetchAll } from './use-paged.js';

const SHOWN = 20;
const SectionNotice = createContext(null);

/** Every item of a lead's list, newest first; `data` is the part shown, `showMore` shows more. */
export function useLeadList(leadId, resource, version) {
  const all = useLoad(() => fetchAll(`/leads/${leadId}/${resource}`).then((items) => items.reverse()), [leadId, resource, version]);
  const [shown, setShown] = useState(SHOWN);
  const data = useMemo(() => all.data?.slice(0, shown), [all.data, shown]);
  return { ...all, data, all: all.data, hidden: Math.max(0, (all.data?.length ?? 0) - shown), showMore: () => setShown((n) => n + SHOWN * 5) };
}

/** Gives `render(setNotice)` a message slot of its own, shown inside its Section. */
export function OwnNotice({ render }) {
  const [notice, setNotice] = useState(null);
  return html`<${SectionNotice.Provider} value=${notice}>${render(setNotice)}<//>`;
}

export function Section({ id, title, list, children, empty = 'None yet.' }) {
  const notice = useContext(SectionNotice);
  return html`<section class="card" aria-labelledby=${id}>
    <h2 id=${id}>${title}${list.all ? html` <span class="count">${list.all.length}</span>` : null}</h2>
    ${list.error ? html`<${LoadError} error=${list.error} retry=${list.reload} />` : null}
    ${list.data && list.data.length === 0 ? html`<p class="muted">${empty}</p>` : null}
    ${children}
    ${list.hidden > 0
      ? html`<button type="button" class="load-more" onClick=${list.showMore}>Show more<span class="visually-hidden"> ${title.toLowerCase()}</span> (${list.hidden} older)</button>`
      : null}
    <${Notice} notice=${notice} />
  </section>`;
}
