// Attachments of a lead: upload a file (multipart) or link a URL; delete.
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { html } from '../html.js';
import { TextInput } from './field.js';
import { Section, useLeadList } from './lead-section.js';
import { useAction } from './use-load.js';

export function Attachments({ leadId, setNotice, onChange, version }) {
  const list = useLeadList(leadId, 'attachments', version);
  const [run, busy] = useAction(setNotice);
  const [filename, setFilename] = useState('');
  const [url, setUrl] = useState('');
  const base = `/leads/${leadId}/attachments`;
  const upload = async (event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const file = form.get('file');
    if (!file || !file.size) return setNotice({ kind: 'error', text: 'Choose a file to upload' });
    if (await run(() => api.post(base, form), `Uploaded ${file.name}`)) {
      event.currentTarget?.reset?.();
      onChange();
    }
  };
  const link = async (event) => {
    event.preventDefault();
    if (await run(() => api.post(base, { filename, url }), `Linked ${filename}`)) {
      setFilename('');
      setUrl('');
      onChange();
    }
  };
  const remove = async (a) => {
    if (await run(() => api.del(`${base}/${a._id}`), `Removed ${a.filename}`)) onChange();
  };
  return html`<${Section} id="attachments-title" title="Attachments" list=${list}>
    <ul class="items">
      ${(list.data ?? []).map((a) => html`<li key=${a._id} class="item-row">
        <a href=${a.url} target="_blank" rel="noopener noreferrer">${a.filename}</a>
        <button type="button" class="small-button danger" disabled=${busy} onClick=${() => remove(a)}>Delete<span class="visually-hidden"> ${a.filename}</span></button>
      </li>`)}
    </ul>
    <form class="inline-form" onSubmit=${upload}>
      <div class="field"><label for=${`file-${leadId}`}>File</label><input id=${`file-${leadId}`} type="file" name="file" /></div>
      <button type="submit" disabled=${busy}>Upload</button>
    </form>
    <form class="inline-form" onSubmit=${link}>
      <${TextInput} label="Link name" name="attachment_filename" required value=${filename} onValue=${setFilename} />
      <${TextInput} label="Link URL" name="attachment_url" type="url" required value=${url} onValue=${setUrl} />
      <button type="submit" disabled=${busy}>Add link</button>
    </form>
  <//>`;
}
