// Todos of a lead: add, edit (name, type, date, time), mark done, delete.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { html } from '../html.js';
import { Checkbox, Select, TextInput } from './field.js';
import { Section, useLeadList } from './lead-section.js';
import { useAction } from './use-load.js';
import { formatDay } from '../format.js';

const TYPES = ['Task', 'Call', 'Email', 'Meetup', 'Other'].map((t) => ({ value: t, label: t }));

/** "14:05" (time input) → "2:05 PM" (the API's format), and back. */
export function toApiTime(value) {
  if (!value) return null;
  const [h, m] = value.split(':').map(Number);
  return `${((h + 11) % 12) + 1}:${String(m).padStart(2, '0')} ${h < 12 ? 'AM' : 'PM'}`;
}
export function fromApiTime(value) {
  const match = /^(\d{1,2}):(\d{2}) (AM|PM)$/.exec(value ?? '');
  if (!match) return '';
  const hour = (Number(match[1]) % 12) + (match[3] === 'PM' ? 12 : 0);
  return `${String(hour).padStart(2, '0')}:${match[2]}`;
}

export function Todos({ leadId, setNotice, onChange, version }) {
  const list = useLeadList(leadId, 'todos', version);
  const [run, busy] = useAction(setNotice);
  const [editing, setEditing] = useState(null);
  // The box shows the click at once; the server's answer (a reload) replaces it.
  const [doneShown, setDoneShown] = useState({});
  useEffect(() => setDoneShown({}), [list.data]);
  const base = `/leads/${leadId}/todos`;
  const act = async (action, text) => {
    const ok = await run(action, text);
    if (ok) {
      setEditing(null);
      onChange();
    }
    return ok;
  };
  return html`<${Section} id="todos-title" title="Todos" list=${list}>
    <ul class="items">
      ${(list.data ?? []).map((todo) =>
        editing === todo._id
          ? html`<li key=${todo._id}><${TodoForm} todo=${todo} busy=${busy} submitLabel="Save todo"
              onSubmit=${(body) => act(() => api.put(`${base}/${todo._id}`, body), 'Todo saved')}
              onCancel=${() => setEditing(null)} /></li>`
          : html`<li key=${todo._id} class="item-row">
              <${Checkbox} label=${`${todo.name} (${todo.type}${todo.date ? `, ${formatDay(todo.date)}` : ''}${todo.time ? ` ${todo.time}` : ''})`}
                checked=${doneShown[todo._id] ?? todo.done} onValue=${(done) => {
                  setDoneShown({ ...doneShown, [todo._id]: done });
                  act(() => api.put(`${base}/${todo._id}`, { done }), done ? 'Todo done' : 'Todo reopened').then((ok) => {
                    if (!ok) setDoneShown((shown) => ({ ...shown, [todo._id]: todo.done }));
                  });
                }} />
              <span class="row-actions">
                <button type="button" class="small-button" onClick=${() => setEditing(todo._id)}>Edit<span class="visually-hidden"> ${todo.name}</span></button>
                <button type="button" class="small-button danger" onClick=${() => act(() => api.del(`${base}/${todo._id}`), 'Todo deleted')}>Delete<span class="visually-hidden"> ${todo.name}</span></button>
              </span>
            </li>`,
      )}
    </ul>
    <${TodoForm} key=${version} busy=${busy} submitLabel="Add todo" onSubmit=${(body) => act(() => api.post(base, body), 'Todo added')} />
  <//>`;
}

function TodoForm({ todo, busy, submitLabel, onSubmit, onCancel }) {
  const [name, setName] = useState(todo?.name ?? '');
  const [type, setType] = useState(todo?.type ?? 'Task');
  const [date, setDate] = useState(todo?.date ?? '');
  const [time, setTime] = useState(fromApiTime(todo?.time));
  const submit = (event) => {
    event.preventDefault();
    onSubmit({ name, type, date: date || null, time: toApiTime(time) });
  };
  return html`<form class="inline-form" onSubmit=${submit}>
    <${TextInput} label="Todo" name="todo_name" required value=${name} onValue=${setName} />
    <${Select} label="Type" name="todo_type" value=${type} onValue=${setType} options=${TYPES} />
    <${TextInput} label="Date" name="todo_date" type="date" value=${date} onValue=${setDate} />
    <${TextInput} label="Time" name="todo_time" type="time" value=${time} onValue=${setTime} />
    <button type="submit" disabled=${busy}>${submitLabel}</button>
    ${onCancel ? html`<button type="button" onClick=${onCancel}>Cancel</button>` : null}
  </form>`;
}
