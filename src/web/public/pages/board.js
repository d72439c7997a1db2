// Leads board: one column per stage of the chosen pipeline. A lead moves with the "Stage" select
// on its card (keyboard- and screen-reader-friendly) or by dragging the card to another column.
import { useState } from 'preact/hooks';
import { api, query } from '../api.js';
import { html } from '../html.js';
import { href, navigate } from '../router.js';
import { formatAmount } from '../format.js';
import { Select, TextInput } from '../components/field.js';
import { LoadError, Loading, Page } from '../components/page.js';
import { useAction, useLoad } from '../components/use-load.js';

export function BoardPage({ pipelineId }) {
  const [notice, setNotice] = useState(null);
  const pipelines = useLoad(() => api.get('/pipelines?size=500'), []);
  const pipeline = pipelines.data?.find((p) => p._id === pipelineId) ?? pipelines.data?.[0];
  const leads = useLoad(
    () => (pipeline ? api.get(`/leads${query({ pipeline_id: pipeline._id, archived: false, size: 500 })}`) : Promise.resolve([])),
    [pipeline?._id],
  );
  const [run] = useAction(setNotice);

  const move = async (lead, stage) => {
    if (lead.stage._id === stage._id) return;
    const done = await run(() => api.put(`/leads/${lead._id}`, { stage_id: stage._id }), `Moved “${lead.name}” to ${stage.name}`);
    if (done) leads.reload();
  };

  const picker =
    pipelines.data && pipelines.data.length > 1
      ? html`<${Select} label="Pipeline" name="pipeline" value=${pipeline?._id}
          options=${pipelines.data.map((p) => ({ value: p._id, label: p.name }))}
          onValue=${(id) => navigate(href('leads', { pipeline: id }))} />`
      : null;

  return html`<${Page} title=${pipeline ? `Leads — ${pipeline.name}` : 'Leads'} notice=${notice} actions=${picker}>
    ${pipelines.error ? html`<${LoadError} error=${pipelines.error} retry=${pipelines.reload} />` : null}
    ${pipelines.loading && !pipelines.data ? html`<${Loading} what="Loading pipelines" />` : null}
    ${pipeline
      ? html`<${NewLeadForm} pipeline=${pipeline} setNotice=${setNotice} onCreated=${leads.reload} />
          ${leads.error ? html`<${LoadError} error=${leads.error} retry=${leads.reload} />` : null}
          <div class="board" role="list" aria-label="Stages">
            ${pipeline.stages.map(
              (stage) => html`<${StageColumn} key=${stage._id} stage=${stage} pipeline=${pipeline}
                leads=${(leads.data ?? []).filter((l) => l.stage._id === stage._id)} onMove=${move} />`,
            )}
          </div>`
      : null}
  <//>`;
}

function StageColumn({ stage, pipeline, leads, onMove }) {
  const [over, setOver] = useState(false);
  const total = leads.reduce((sum, l) => sum + (l.size ?? 0), 0);
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
    <h2 id=${`stage-${stage._id}`}>${stage.name} <span class="count">${leads.length}</span></h2>
    <p class="muted small">Value ${formatAmount(total)}</p>
    <ul class="cards">
      ${leads.map((lead) => html`<${LeadCard} key=${lead._id} lead=${lead} pipeline=${pipeline} onMove=${onMove} />`)}
    </ul>
  </section>`;
}

function LeadCard({ lead, pipeline, onMove }) {
  const selectId = `move-${lead._id}`;
  return html`<li class="lead-card" draggable="true"
    onDragStart=${(e) => e.dataTransfer.setData('application/json', JSON.stringify(lead))}>
    <a class="lead-name" href=${`#/leads/${lead._id}`}>${lead.name}</a>
    <p class="small">
      ${lead.size !== null ? html`<span>${formatAmount(lead.size)}</span>` : null}
      ${lead.user ? html`<span class="muted"> · ${lead.user.name}</span>` : null}
      ${lead.status !== 'open' ? html`<span class=${`badge badge-${lead.status}`}>${lead.status}</span>` : null}
    </p>
    <label class="small" for=${selectId}>Stage<span class="visually-hidden"> of ${lead.name}</span></label>
    <select id=${selectId} class="compact" onChange=${(e) => {
      const stage = pipeline.stages.find((s) => s._id === e.currentTarget.value);
      if (stage) onMove(lead, stage);
    }}>
      ${pipeline.stages.map((s) => html`<option value=${s._id} selected=${s._id === lead.stage._id}>${s.name}</option>`)}
    </select>
  </li>`;
}

function NewLeadForm({ pipeline, setNotice, onCreated }) {
  const [name, setName] = useState('');
  const [size, setSize] = useState('');
  const [stageId, setStageId] = useState(pipeline.stages[0]?._id ?? '');
  const [run, busy] = useAction(setNotice);
  const submit = async (event) => {
    event.preventDefault();
    const body = { name, pipeline_id: pipeline._id, stage_id: stageId || undefined };
    if (size !== '') body.size = Number(size);
    const created = await run(() => api.post('/leads', body), `Created “${name}”`);
    if (created) {
      setName('');
      setSize('');
      onCreated();
    }
  };
  return html`<details class="card new-lead">
    <summary>New lead</summary>
    <form class="inline-form" onSubmit=${submit}>
      <${TextInput} label="Lead name" name="lead_name" required value=${name} onValue=${setName} />
      <${TextInput} label="Value" name="lead_size" type="number" step="any" inputmode="decimal" value=${size} onValue=${setSize} />
      <${Select} label="Stage" name="lead_stage" value=${stageId} onValue=${setStageId}
        options=${pipeline.stages.map((s) => ({ value: s._id, label: s.name }))} />
      <button type="submit" class="primary" disabled=${busy}>Create lead</button>
    </form>
  </details>`;
}
