// "New lead": name, value (≥ 0, checked before sending) and first stage.
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { html } from '../html.js';
import { Select, TextInput } from './field.js';
import { useAction } from './use-load.js';
import { valueError } from './validation.js';

export function NewLeadForm({ pipeline, setNotice, onCreated }) {
  const [name, setName] = useState('');
  const [size, setSize] = useState('');
  const [sizeError, setSizeError] = useState(null);
  const [stageId, setStageId] = useState(pipeline.stages[0]?._id ?? '');
  const [run, busy] = useAction(setNotice);
  const submit = async (event) => {
    event.preventDefault();
    const problem = valueError(size);
    setSizeError(problem);
    if (problem) return;
    const body = { name, pipeline_id: pipeline._id, stage_id: stageId || undefined };
    if (size !== '') body.size = Number(size);
    if (await run(() => api.post('/leads', body), `Created “${name}”`)) {
      setName('');
      setSize('');
      onCreated();
    }
  };
  return html`<details class="card new-lead">
    <summary>New lead</summary>
    <form class="inline-form" onSubmit=${submit} novalidate>
      <${TextInput} label="Lead name" name="lead_name" required value=${name} onValue=${setName} />
      <${TextInput} label="Value" name="lead_size" type="number" step="any" min="0" inputmode="decimal" value=${size} onValue=${setSize} error=${sizeError} />
      <${Select} label="Stage" name="lead_stage" value=${stageId} onValue=${setStageId}
        options=${pipeline.stages.map((s) => ({ value: s._id, label: s.name }))} />
      <button type="submit" class="primary" disabled=${busy}>Create lead</button>
    </form>
  </details>`;
}
