import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import proxyaddr from 'proxy-addr';

/** Which hops may say who the client is (compiled TRUSTED_PROXIES). */
export type ProxyTrust = (address: string, hop: number) => boolean;

/**
 * Compiles TRUSTED_PROXIES (CIDRs, addresses, or proxy-addr's names `loopback`, `linklocal`,
 * `uniquelocal`) with proxy-addr, the parser Express uses. Throws a TypeError on a bad entry.
 */
export function compileTrust(list: readonly string[]): ProxyTrust {
  return proxyaddr.compile([...list]);
}

/**
 * The address a request counts as (sign-in limits, session records): the socket's peer, unless that
 * peer is a trusted proxy, in which case X-Forwarded-For is read right to left up to the first
 * address that is not trusted. With no trusted proxies the header is never believed.
 */
export function clientAddress(socketAddress: string | null | undefined, forwardedFor: string | null | undefined, trust: ProxyTrust | null): string | null {
  if (!socketAddress) return null;
  if (!trust || !forwardedFor) return socketAddress;
  const req = { socket: { remoteAddress: socketAddress }, headers: { 'x-forwarded-for': forwardedFor } };
  // proxy-addr reads only the socket's address and the header.
  const forwarded = proxyaddr(req as unknown as IncomingMessage, trust);
  // A trusted proxy that forwards garbage does not make the request anonymous or break a write.
  return isIP(forwarded) ? forwarded : socketAddress;
}
