// The outbound address guard (docs/SPEC.md §5, SSRF). Every address a webhook host resolves to is checked
// at connect time, inside the undici Agent's `connect.lookup`, so a DNS answer that changes between
// the check and the dial (rebinding) cannot pass. Literal-IP URLs never reach `lookup` and are
// checked by `checkLiteralHost`.
import type { LookupAddress } from 'node:dns';
import { lookup as dnsLookup } from 'node:dns';
import net from 'node:net';
import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** Resolves a host name to every address it has; injectable so tests never ask real DNS. */
export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

export const systemResolver: Resolver = (hostname) =>
  new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) => (error ? reject(error) : resolve(addresses)));
  });

/**
 * Thrown (and reported as category `blocked_address`) when a target is a special-purpose address.
 * Its message, with the resolved address, is for server logs only; tenants see `publicMessage`,
 * which names the kind of network and not the address (internal DNS answers stay private).
 */
export class BlockedAddressError extends Error {
  readonly code = 'ELEADHOOK_BLOCKED_ADDRESS';
  readonly publicMessage: string;
  constructor(readonly address: string, hostname: string) {
    super(`${hostname} resolves to ${address}, a special-purpose address that webhooks may not reach`);
    this.name = 'BlockedAddressError';
    this.publicMessage = `address not allowed: ${networkKind(address)}`;
  }
}

const NETWORK_KINDS: Record<string, string> = {
  private: 'private network',
  uniqueLocal: 'private network',
  loopback: 'loopback',
  linkLocal: 'link-local network',
  carrierGradeNat: 'shared (carrier-grade NAT) network',
  multicast: 'multicast',
  unspecified: 'unspecified address',
  broadcast: 'broadcast address',
};

/** What kind of special-purpose address this is, in words a tenant can act on. */
function networkKind(ip: string): string {
  if (!ipaddr.isValid(ip)) return 'not a valid address';
  let address: Address = ipaddr.parse(ip);
  if (address.kind() === 'ipv6') address = embeddedIPv4(address as ipaddr.IPv6) ?? address;
  return NETWORK_KINDS[address.range()] ?? 'reserved or special-purpose address';
}

export interface AddressPolicy {
  /** True when webhooks may not connect to this IP address. */
  isBlocked(ip: string): boolean;
}

/**
 * `allow` holds CIDRs and/or the word `loopback` (LEADHOOK_ALLOW_PRIVATE_TARGETS). Everything that is
 * not ordinary public unicast is refused unless allowed: loopback, private, link-local, CGNAT,
 * multicast, reserved, 0.0.0.0/8, ULA, and IPv6 forms that embed such an IPv4 address
 * (IPv4-mapped ::ffff:0:0/96, IPv4-compatible ::/96, IPv4-translated, NAT64 64:ff9b::/96 and
 * 64:ff9b:1::/48, 6to4 2002::/16), judged by the embedded IPv4 address. Teredo is refused outright.
 */
export function createAddressPolicy(allow: readonly string[]): AddressPolicy {
  const allowed: Array<[Address, number]> = [];
  for (const entry of allow) {
    if (entry === 'loopback') {
      allowed.push(ipaddr.parseCIDR('127.0.0.0/8'), ipaddr.parseCIDR('::1/128'));
    } else {
      allowed.push(ipaddr.parseCIDR(entry));
    }
  }
  const isAllowed = (address: Address) => allowed.some(([range, bits]) => range.kind() === address.kind() && address.match(range, bits));

  const blocked = (address: Address): boolean => {
    if (isAllowed(address)) return false;
    if (address.kind() === 'ipv4') return (address as ipaddr.IPv4).range() !== 'unicast';
    const v6 = address as ipaddr.IPv6;
    const embedded = embeddedIPv4(v6);
    if (embedded) return blocked(embedded);
    return v6.range() !== 'unicast';
  };

  return {
    isBlocked(ip: string): boolean {
      if (!ipaddr.isValid(ip)) return true;
      return blocked(ipaddr.parse(ip));
    },
  };
}

/** The IPv4 address inside an IPv4-mapped, IPv4-compatible, IPv4-translated, NAT64 or 6to4 IPv6 address. */
function embeddedIPv4(address: ipaddr.IPv6): ipaddr.IPv4 | undefined {
  const range = address.range();
  const parts = address.parts;
  const fromWords = (hi: number, lo: number) => new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
  if (range === 'ipv4Mapped' || range === 'rfc6145' || range === 'rfc6052') return fromWords(parts[6]!, parts[7]!);
  if (range === '6to4') return fromWords(parts[1]!, parts[2]!);
  // IPv4-compatible (deprecated ::a.b.c.d, ::/96): stacks still route `[::127.0.0.1]` to 127.0.0.1.
  if (parts.slice(0, 6).every((word) => word === 0)) return fromWords(parts[6]!, parts[7]!);
  return undefined;
}

/** `[::1]` → `::1`; other hosts unchanged. */
export function bareHost(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}

/** For URLs whose host is a literal IP (never passed to `lookup`): the blocked-address error, or undefined. */
export function checkLiteralHost(policy: AddressPolicy, hostname: string): BlockedAddressError | undefined {
  const host = bareHost(hostname);
  if (net.isIP(host) === 0) return undefined;
  return policy.isBlocked(host) ? new BlockedAddressError(host, host) : undefined;
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `net.connect` lookup function that resolves with `resolver` and fails with BlockedAddressError
 * when any of the addresses is blocked (Node 20 asks for `{all: true}`; older callers get the first).
 */
export function createGuardedLookup(resolver: Resolver, policy: AddressPolicy) {
  return function guardedLookup(hostname: string, options: { all?: boolean } | number, callback: LookupCallback): void {
    resolver(hostname).then(
      (addresses) => {
        if (addresses.length === 0) {
          callback(Object.assign(new Error(`${hostname} has no addresses`), { code: 'ENOTFOUND' }), []);
          return;
        }
        const bad = addresses.find((a) => policy.isBlocked(a.address));
        if (bad) {
          callback(new BlockedAddressError(bad.address, hostname) as unknown as NodeJS.ErrnoException, []);
          return;
        }
        const all = typeof options === 'object' && options.all === true;
        if (all) callback(null, addresses);
        else callback(null, addresses[0]!.address, addresses[0]!.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, []),
    );
  };
}
