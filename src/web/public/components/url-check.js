// Immediate feedback on a webhook URL while it is typed. The server checks again (and checks every
// resolved address at connect time); this only catches the obvious mistakes early.
export function checkUrl(value) {
  if (!value) return 'Enter the URL that should receive the webhooks';
  let url;
  try {
    url = new URL(value);
  } catch {
    return 'Not a valid URL (it should look like https://example.com/hooks)';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'Only http:// and https:// URLs can receive webhooks';
  if (url.username || url.password) return 'Leave credentials out of the URL; use the handshake key or the signature';
  if (!url.hostname) return 'The URL needs a host name';
  return undefined;
}

export function isPlainHttp(value) {
  return /^http:\/\//i.test(value ?? '');
}
