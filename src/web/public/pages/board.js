// Leads: the board (a column per stage) or the list, under one set of filters kept in the hash.
// Each column reads its own pages of leads ("Load more"); its count and value come from
// GET /leads/stage-totals, so they are right however many leads are loaded.
import { useState } from 'preact/hooks';
import { api, query } from '../api.js';
import { html } from '../html.js';
import { href, navigate } from '../router.js';
import { formatAmount } from '../format.js';
import { Select } from '../components/field.js';
import { LeadCard } from '../components/lead-card.js';
import { LeadFilters, leadQuery } from '../components/lead-filters.js';
import { NewLeadForm } from '../components/new-lead.js';
import { LoadError, Loading, Page } from '../components/page.js';
import { useAction, useLoad } from '../components/use-load.js';
import { usePagedList } from '../components/use-paged.js';
import { LeadsTable } from './leads-list.js';

const COLUMN_PAGE = 25;

export function BoardPage({ params }) {
  const [notice, setNotice] = useState(null);
  const [version, setVersion] = useState(0);
  const pipelines = useLoad(() => api.get('/pipelines?size=500'), []);
  const users = useLoad(() => api.get('/users?size=500'), []);
  const pipeline = pipelines.data?.find((p) => p._id === params.pipeline) ?? pipelines.data?.[0];
  const view = params.view === 'list' ? 'list' : 'board';
  const filter = { ...leadQuery(params), pipeline_id: pipeline?._id };
  const filterKey = JSON.stringify(filter);
  const changed = () => setVersion((v) => v + 1);

  const picker =
    pipelines.data && pipelines.data.length > 1
      ? html`<${Select} label="Pipeline" name="pipeline" value=${pipeline?._id}
          options=${pipelines.data.map((p) => ({ value: p._id, label: p.name }))}
          onValue=${(id) => navigate(href('leads', { ...params, pipeline: id, stage: undefined }))} />`
      : null;
  const switcher = html`<nav class="view-switch" aria-label="Leads view">
    <a href=${href('leads', { ...params, view: undefined })} aria-current=${view === 'board' ? 'page' : undefined}>Board</a>
    <a href=${href('leads', { ...params, view: 'list' })} aria-current=${view === 'list' ? 'page' : undefined}>List</a>
  </nav>`;

  return html`<${Page} title=${pipeline ? `Leads — ${pipeline.name}` : 'Leads'} notice=${notice} actions=${html`${switcher}${picker}`}>
    ${pipelines.error ? html`<${LoadError} error=${pipelines.error} retry=${pipelines.reload} />` : null}
    ${pipelines.loading && !pipelines.data ? html`<${Loading} what="Loading pipelines" />` : null}
    ${pipelines.data && pipelines.data.length === 0 ? html`<p class="empty">No pipeline yet. <a href="#/settings/pipelines">Create one in Settings</a>.</p>` : null}
    ${pipeline
      ? html`<${NewLeadForm} pipeline=${pipeline} setNotice=${setNotice} onCreated=${changed} />
          <${LeadFilters} key=${filterKey} params=${params} users=${users.data} stages=${view === 'list' ? pipeline.stages : null} />
          ${view === 'list'
            ? html`<${LeadsTable} filter=${filter} params=${params} version=${version} />`
            : html`<${Board} pipeline=${pipeline} filter=${filter} filterKey=${filterKey} version=${version} setNotice=${setNotice} onChanged=${changed} />`}`
      : null}
  <//>`;
}

function Board({ pipeline, filter, filterKey, version, setNotice, onChanged }) {
  const totals = useLoad(() => api.get(`/leads/stage-totals${query(filter)}`), [filterKey, version]);
  const [run, busy] = useAction(setNotice);
  const move = async (lead, stage) => {
    if (lead.stage._id === stage._id) return;
    if (await run(() => api.put(`/leads/${lead._id}`, { stage_id: stage._id }), `Moved “${lead.name}” to ${stage.name}`)) onChanged();
  };
  const stages = filter.stage_id ? pipeline.stages.filter((s) => s._id === filter.stage_id) : pipeline.stages;
  const byStage = Object.fromEntries((totals.data ?? []).map((t) => [t.stage_id, t]));
  const all = (totals.data ?? []).reduce((sum, t) => ({ count: sum.count + t.count, total: sum.total + t.total }), { count: 0, total: 0 });
  return html`
    ${totals.error ? html`<${LoadError} error=${totals.error} retry=${totals.reload} />` : null}
    ${totals.data ? html`<p class="muted board-summary" data-testid="board-summary">${all.count} leads · value ${formatAmount(all.total)}</p>` : null}
    <div class="board" role="list" aria-label="Stages">
      ${stages.map(
        (stage) => html`<${StageColumn} key=${stage._id} stage=${stage} stages=${pipeline.stages} filter=${filter}
          filterKey=${filterKey} version=${version} totals=${byStage[stage._id] ?? (totals.data ? { count: 0, total: 0 } : null)}
          onMove=${move} busy=${busy} />`,
      )}
    </div>`;
}

function StageColumn({ stage, stages, filter, filterKey, version, totals, onMove, busy }) {
  const [over, setOver] = useState(false);
  const leads = usePagedList((page) => `/leads${query({ ...filter, stage_id: stage._id, size: COLUMN_PAGE, page })}`, COLUMN_PAGE, [stage._id, filterKey, version]);
  const left = totals ? totals.count - leads.items.length : 0;
  return html`<section class=${`column${over ? ' drop-target' : ''}`} role="listitem" aria-labelledby=${`stage-${stage._id}`}
    onDragOver=${(e) => {
      e.preventDefault();
      setOver(true);
    }}
    onDragLeave=${() => setOver(false)}
    onDrop=${(e) => {
      e.preventDefault();
      setOver(false);
      const lead = JSON.parse(e.dataTransfer.getData('application/json') || 'null');
      if (lead) onMove(lead, stage);
    }}>
    <h2 id=${`stage-${stage._id}`}>${stage.name} <span class="count" aria-label=${`${totals?.count ?? '…'} leads`}>${totals?.count ?? '…'}</span></h2>
    <p class="muted small">Value <span class="stage-total">${totals ? formatAmount(totals.total) : '…'}</span></p>
    ${leads.error ? html`<${LoadError} error=${leads.error} retry=${leads.reload} />` : null}
    <ul class="cards">
      ${leads.items.map((lead) => html`<${LeadCard} key=${lead._id} lead=${lead} stages=${stages} onMove=${onMove} busy=${busy} />`)}
    </ul>
    ${leads.loading ? html`<p class="muted small" role="status">Loading leads…</p>` : null}
    ${!leads.loading && !leads.done && left > 0
      ? html`<button type="button" class="load-more" onClick=${leads.more}>Load more<span class="visually-hidden"> in ${stage.name}</span> (${left} more)</button>`
      : null}
  </section>`;
}
