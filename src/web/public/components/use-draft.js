// Text being typed survives a session expiry (the app falls back to the login page and comes
// back): it is kept in sessionStorage under a key until the form is sent.
import { useState } from 'preact/hooks';

const PREFIX = 'leadhook.draft.';

export function useDraft(key, initial = '') {
  const [value, setValue] = useState(() => {
    try {
      return sessionStorage.getItem(PREFIX + key) ?? initial;
    } catch {
      return initial;
    }
  });
  const update = (next) => {
    setValue(next);
    try {
      if (next === '' || next === initial) sessionStorage.removeItem(PREFIX + key);
      else sessionStorage.setItem(PREFIX + key, next);
    } catch {
      // Storage full or disabled: the draft just is not kept.
    }
  };
  return [value, update, () => update(initial)];
}

/** Drops a draft once what it held has been saved. */
export function forgetDraft(key) {
  try {
    sessionStorage.removeItem(PREFIX + key);
  } catch {
    // Nothing kept.
  }
}
