// The URL check when a webhook is created or changed (PRODUCT §5): http/https only, no credentials,
// and a host that is literally a special-purpose address (or `localhost`) is refused unless
// LEADHOOK_ALLOW_PRIVATE_TARGETS opens it. Host names are checked again at every connect.
import net from 'node:net';
import { bareHost, type AddressPolicy } from '../delivery/address-guard.ts';
import { invalid } from '../shared/errors.ts';

export function checkWebhookUrl(value: string, policy: AddressPolicy): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid('url is not a valid URL', [{ field: 'url', message: 'not a URL' }]);
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
  return value;
}
