// Security headers of the UI routes (docs/UI.md), through @fastify/helmet: a strict CSP (only this
// origin; no inline script except the hashed import map; no framing), no referrer leaks, and
// HSTS only when the public URL is https.
import type { FastifyHelmetOptions } from '@fastify/helmet';
import type { FastifyReply, FastifyRequest } from 'fastify';

export function uiHelmetOptions(importMapHash: string, https: boolean): FastifyHelmetOptions {
  return {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", importMapHash],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        ...(https ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: https ? { maxAge: 15_552_000, includeSubDomains: true } : false,
    crossOriginEmbedderPolicy: false,
  };
}

const API_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  // JSON is never a document: nothing may load, run or frame it if a browser is led to open it.
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'; sandbox",
  'x-frame-options': 'DENY',
  'cross-origin-resource-policy': 'same-origin',
};

/**
 * onSend hook for every answer under /api/ (errors and unknown routes too): no sniffing, no
 * caching of tenant data by browsers or proxies, no referrer, a CSP that forbids everything, and
 * HSTS when the public URL is https (docs/SECURITY.md, "Security headers").
 */
export function apiSecurityHeaders(https: boolean) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (!request.url.startsWith('/api/')) return;
    for (const [name, value] of Object.entries(API_HEADERS)) reply.header(name, value);
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    if (https) reply.header('strict-transport-security', 'max-age=15552000; includeSubDomains');
  };
}
