// Which Host names the control API answers without --allowed-host: loopback, and names no DNS-rebinding page can use.
import { isIP } from 'node:net';

/**
 * True for addresses and names only this machine can reach.
 * @example isLoopback('127.0.0.1') // true; isLoopback('0.0.0.0') // false
 */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** The names container engines give the machine that runs them, as seen from a container. */
export const CONTAINER_HOST_NAMES: readonly string[] = ['host.docker.internal', 'host.containers.internal'];

/**
 * True for a Host name that cannot be a DNS-rebinding page's own: an attack needs a dotted public
 * name its owner can point at this address, so loopback names, IP literals, single-label names (a CI
 * service alias such as wechat-mock, a compose service name) and the container engines' names for
 * the host are safe. Takes a name as hostName() returns it.
 * @example isRebindingSafe('wechat-mock') // true; isRebindingSafe('evil.example') // false
 */
export function isRebindingSafe(name: string): boolean {
  return (
    isLoopback(name) ||
    isIP(name) !== 0 ||
    /^[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?$/.test(name) ||
    CONTAINER_HOST_NAMES.includes(name)
  );
}

/**
 * The name part of a Host header, lower-cased, without the port or IPv6 brackets.
 * @example hostName('[::1]:4020') // '::1'; hostName('LocalHost:80') // 'localhost'
 */
export function hostName(host: string): string {
  const text = host.trim().toLowerCase();
  if (text.startsWith('[')) return text.slice(1, text.indexOf(']') === -1 ? undefined : text.indexOf(']'));
  const colon = text.lastIndexOf(':');
  return colon === -1 || text.indexOf(':') !== colon ? text : text.slice(0, colon);
}
