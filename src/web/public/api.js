// Every call the UI makes: the REST API under /api/v1 with the session cookie (sent by the browser)
// and the CSRF token echoed in `x-csrf-token` on state-changing requests (docs/SPEC.md §5).
let csrfToken = null;
let onUnauthorized = () => {};

export function setCsrfToken(token) {
  csrfToken = token;
}

/** Called when the server answers 401 (the session expired): the app shows the login page. */
export function setUnauthorizedHandler(handler) {
  onUnauthorized = handler;
}

/** An API refusal: `{error: {code, message, details}}`, with the HTTP status. */
export class ApiError extends Error {
  constructor(status, error) {
    super(error?.message ?? `Request failed (${status})`);
    this.status = status;
    this.code = error?.code ?? 'error';
    this.details = error?.details ?? null;
  }
}

export async function request(method, url, body) {
  const headers = { accept: 'application/json' };
  let payload;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let response;
  try {
    response = await fetch(url, { method, headers, body: payload, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, { code: 'network', message: 'Could not reach the server; check your connection' });
  }
  const text = await response.text();
  let data;
  try {
    data = text === '' ? undefined : JSON.parse(text);
  } catch {
    data = undefined;
  }
  if (!response.ok) {
    if (response.status === 401 && !url.startsWith('/auth/')) onUnauthorized();
    throw new ApiError(response.status, data?.error);
  }
  return data;
}

const v1 = (path) => `/api/v1${path}`;

export const api = {
  get: (path) => request('GET', v1(path)),
  post: (path, body) => request('POST', v1(path), body),
  put: (path, body) => request('PUT', v1(path), body),
  del: (path) => request('DELETE', v1(path)),
};

export const auth = {
  session: () => request('GET', '/auth/session'),
  login: (email, password) => request('POST', '/auth/login', { email, password }),
  logout: () => request('POST', '/auth/logout'),
  changePassword: (current_password, new_password) => request('POST', '/auth/password', { current_password, new_password }),
  setupNeeded: () => request('GET', '/auth/setup'),
  setup: (body) => request('POST', '/auth/setup', body),
  invitation: (token) => request('GET', `/auth/invitations/${encodeURIComponent(token)}`),
  acceptInvitation: (token, body) => request('POST', `/auth/invitations/${encodeURIComponent(token)}/accept`, body),
  forgot: (email) => request('POST', '/auth/forgot', { email }),
  reset: (token, password) => request('POST', '/auth/reset', { token, password }),
};

/** Query string from an object, leaving out empty values. */
export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
