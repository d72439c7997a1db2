// Settings → Pipelines & stages: create, rename and delete pipelines; add (at a position), rename,
// move up or down (PUT /stages/:id {position}) and delete stages. The board draws stages in this order.
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { html } from '../html.js';
import { TextInput } from '../components/field.js';
import { LoadError, Loading, Page } from '../components/page.js';
import { SettingsNav, settingsCrumbs } from '../components/settings-nav.js';
import { useAction, useLoad } from '../components/use-load.js';

export function PipelinesPage({ user }) {
  const [notice, setNotice] = useState(null);
  const pipelines = useLoad(() => api.get('/pipelines?size=500'), []);
  const [run, busy] = useAction(setNotice);
  const [name, setName] = useState('');
  const act = async (action, text) => {
    const ok = await run(action, text);
    if (ok) pipelines.reload();
    return ok;
  };
  const create = async (event) => {
    event.preventDefault();
    if (await act(() => api.post('/pipelines', { name }), `Pipeline “${name}” created`)) setName('');
  };
  return html`<${Page} title="Pipelines & stages" crumbs=${settingsCrumbs(['Pipelines & stages'])} notice=${notice}>
    <${SettingsNav} user=${user} current="pipelines" />
    ${pipelines.error ? html`<${LoadError} error=${pipelines.error} retry=${pipelines.reload} />` : null}
    ${pipelines.loading && !pipelines.data ? html`<${Loading} what="Loading pipelines" />` : null}
    ${(pipelines.data ?? []).map((p) => html`<${PipelineCard} key=${p._id} pipeline=${p} act=${act} busy=${busy} />`)}
    <section class="card" aria-labelledby="new-pipeline-title">
      <h2 id="new-pipeline-title">New pipeline</h2>
      <form class="inline-form" onSubmit=${create}>
        <${TextInput} label="Pipeline name" name="pipeline_name" required value=${name} onValue=${setName} />
        <button type="submit" class="primary" disabled=${busy}>Create pipeline</button>
      </form>
    </section>
  <//>`;
}

function PipelineCard({ pipeline, act, busy }) {
  const [stageName, setStageName] = useState('');
  const [position, setPosition] = useState(String(pipeline.stages.length + 1));
  const addStage = async (event) => {
    event.preventDefault();
    const body = { name: stageName, position: Math.max(0, Number(position) - 1) };
    if (await act(() => api.post(`/pipelines/${pipeline._id}/stages`, body), `Stage “${stageName}” added`)) setStageName('');
  };
  return html`<section class="card" aria-labelledby=${`pipe-${pipeline._id}`}>
    <div class="section-head">
      <h2 id=${`pipe-${pipeline._id}`}>${pipeline.name}</h2>
      <${Rename} label=${`Rename pipeline ${pipeline.name}`} value=${pipeline.name} busy=${busy}
        onSave=${(name) => act(() => api.put(`/pipelines/${pipeline._id}`, { name }), `Pipeline renamed to “${name}”`)} />
      <button type="button" class="small-button danger" disabled=${busy}
        onClick=${() => confirm(`Delete the pipeline “${pipeline.name}”?`) && act(() => api.del(`/pipelines/${pipeline._id}`), `Pipeline “${pipeline.name}” deleted`)}>
        Delete pipeline<span class="visually-hidden"> ${pipeline.name}</span></button>
    </div>
    <ol class="items stages-list" aria-label=${`Stages of ${pipeline.name}`}>
      ${pipeline.stages.map((s, i) => html`<li key=${s._id} class="item-row">
        <span>${s.name}</span>
        <span class="row-actions">
          <button type="button" class="small-button" disabled=${busy || i === 0}
            onClick=${() => act(() => api.put(`/stages/${s._id}`, { position: i - 1 }), `Stage “${s.name}” moved up`)}>
            Up<span class="visually-hidden"> stage ${s.name}</span></button>
          <button type="button" class="small-button" disabled=${busy || i === pipeline.stages.length - 1}
            onClick=${() => act(() => api.put(`/stages/${s._id}`, { position: i + 1 }), `Stage “${s.name}” moved down`)}>
            Down<span class="visually-hidden"> stage ${s.name}</span></button>
          <${Rename} label=${`Rename stage ${s.name}`} value=${s.name} busy=${busy}
            onSave=${(name) => act(() => api.put(`/stages/${s._id}`, { name }), `Stage renamed to “${name}”`)} />
          <button type="button" class="small-button danger" disabled=${busy}
            onClick=${() => confirm(`Delete the stage “${s.name}”?`) && act(() => api.del(`/stages/${s._id}`), `Stage “${s.name}” deleted`)}>
            Delete<span class="visually-hidden"> stage ${s.name}</span></button>
        </span>
      </li>`)}
    </ol>
    <form class="inline-form" onSubmit=${addStage}>
      <${TextInput} label="New stage" name="stage_name" required value=${stageName} onValue=${setStageName} />
      <${TextInput} label="Position" name="stage_position" type="number" min="1" value=${position} onValue=${setPosition} />
      <button type="submit" disabled=${busy}>Add stage</button>
    </form>
  </section>`;
}

/** A "Rename" button that opens a one-field form in place. */
function Rename({ label, value, busy, onSave }) {
  const [open, setOpen] = useState(false);
  const [text, setText] = useState(value);
  if (!open) return html`<button type="button" class="small-button" onClick=${() => setOpen(true)} aria-label=${label}>Rename</button>`;
  return html`<form class="inline-form rename" onSubmit=${async (e) => {
    e.preventDefault();
    if (await onSave(text)) setOpen(false);
  }}>
    <${TextInput} label=${label} name="rename" required value=${text} onValue=${setText} />
    <button type="submit" disabled=${busy}>Save</button>
    <button type="button" onClick=${() => setOpen(false)}>Cancel</button>
  </form>`;
}
