// The URL check when a webhook is created or changed (docs/WEBHOOKS.md, "Address guard (SSRF)"):
// http/https only, no credentials, and a host that is literally a special-purpose address (or
// `localhost`) is refused unless LEADHOOK_ALLOW_PRIVATE_TARGETS opens it. Host names are checked
// again at every connect.
// The answer is the URL's WHATWG serialisation, which is what gets stored, shown and called: a
// tab, CR or LF in the path or query is dropped by every URL parser, so storing the raw text would
// show one URL and call another. Where dropping them would change the scheme, host or port (what
// the URL points at), the URL is refused instead.
import net from 'node:net';
import { bareHost, type AddressPolicy } from '../delivery/address-guard.ts';
import { invalid } from '../shared/errors.ts';

const TAB_OR_NEWLINE = /[\t\n\r]/;

export function checkWebhookUrl(value: string, policy: AddressPolicy): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid('url is not a valid URL', [{ field: 'url', message: 'not a URL' }]);
  }
  if (TAB_OR_NEWLINE.test(originOf(value.trim()))) {
    throw invalid('url has a tab or line break in its scheme, host or port', [{ field: 'url', message: 'control characters in the host' }]);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalid('url must use http or https', [{ field: 'url', message: `scheme ${url.protocol} is not allowed` }]);
  }
  if (url.username || url.password) {
    throw invalid('url must not carry credentials; use the handshake key or the signature', [{ field: 'url', message: 'credentials in URL' }]);
  }
  const host = bareHost(url.hostname);
  const literal = net.isIP(host) !== 0 ? host : host === 'localhost' || host.endsWith('.localhost') ? '127.0.0.1' : undefined;
  if (literal !== undefined && policy.isBlocked(literal)) {
    throw invalid('url points to a private or special-purpose address', [{ field: 'url', message: `${host} is not a public address` }]);
  }
  return url.href;
}

/** The text before the path, query or fragment: `scheme://userinfo@host:port`. */
function originOf(text: string): string {
  const start = text.indexOf('//');
  const from = start < 0 ? 0 : start + 2;
  const rest = text.slice(from).search(/[/?#\\]/);
  return rest < 0 ? text : text.slice(0, from + rest);
}
