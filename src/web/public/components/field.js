// Form controls that always carry a visible label (and a hint or error tied by aria-describedby).
import { useMemo } from 'preact/hooks';
import { html } from '../html.js';

let counter = 0;
const nextId = (prefix) => `${prefix}-${++counter}`;

export function Field({ label, hint, error, id, children }) {
  const hintId = hint || error ? `${id}-hint` : undefined;
  return html`<div class=${`field${error ? ' field-invalid' : ''}`}>
    <label for=${id}>${label}</label>
    ${typeof children === 'function' ? children(hintId) : children}
    ${error ? html`<p class="field-error" id=${hintId}>${error}</p>` : hint ? html`<p class="hint" id=${hintId}>${hint}</p>` : null}
  </div>`;
}

/** A labelled <input>; `onValue` receives the new string value. */
export function TextInput({ label, hint, error, value, onValue, type = 'text', name, required, autocomplete, placeholder, inputmode, step, min }) {
  const id = useStableId(name ?? 'input');
  return html`<${Field} label=${label} hint=${hint} error=${error} id=${id}>
    ${(describedBy) => html`<input id=${id} name=${name} type=${type} value=${value ?? ''} required=${required}
      autocomplete=${autocomplete} placeholder=${placeholder} inputmode=${inputmode} step=${step} min=${min}
      aria-invalid=${error ? 'true' : undefined} aria-describedby=${describedBy}
      onInput=${(e) => onValue(e.currentTarget.value)} />`}
  <//>`;
}

export function TextArea({ label, hint, value, onValue, name, required, rows = 3 }) {
  const id = useStableId(name ?? 'text');
  return html`<${Field} label=${label} hint=${hint} id=${id}>
    ${(describedBy) => html`<textarea id=${id} name=${name} rows=${rows} required=${required} aria-describedby=${describedBy}
      onInput=${(e) => onValue(e.currentTarget.value)}>${value ?? ''}</textarea>`}
  <//>`;
}

/** A labelled <select> over `options` = [{value, label}]. */
export function Select({ label, hint, value, onValue, options, name, required }) {
  const id = useStableId(name ?? 'select');
  return html`<${Field} label=${label} hint=${hint} id=${id}>
    ${(describedBy) => html`<select id=${id} name=${name} required=${required} aria-describedby=${describedBy}
      onChange=${(e) => onValue(e.currentTarget.value)}>
      ${options.map((o) => html`<option value=${o.value} selected=${o.value === value}>${o.label}</option>`)}
    </select>`}
  <//>`;
}

export function Checkbox({ label, hint, checked, onValue, name }) {
  const id = useStableId(name ?? 'check');
  const hintId = hint ? `${id}-hint` : undefined;
  return html`<div class="check">
    <input type="checkbox" id=${id} name=${name} checked=${checked} aria-describedby=${hintId} onChange=${(e) => onValue(e.currentTarget.checked)} />
    <label for=${id}>${label}</label>
    ${hint ? html`<p class="hint" id=${hintId}>${hint}</p>` : null}
  </div>`;
}

function useStableId(prefix) {
  return useMemo(() => nextId(prefix), []);
}
