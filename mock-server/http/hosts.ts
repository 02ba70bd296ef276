// Which Host names the mock answers: one rule for the API routes and the control API alike.
import { isIP } from 'node:net';

/**
 * Names a container uses for the machine it runs on (Docker Desktop, Podman): a client in a
 * container reaches a mock on the host under them.
 * @example CONTAINER_HOST_NAMES.includes('host.docker.internal') // true
 */
export const CONTAINER_HOST_NAMES: readonly string[] = ['host.docker.internal', 'host.containers.internal'];

/**
 * WeChat's own API host: users point it at the mock with a hosts file, so clients keep their URL.
 * No web page can be served under it from anywhere but the mock, so it cannot rebind.
 * @example isAnsweredHost('api.weixin.qq.com', new Set()) // true
 */
export const WECHAT_API_HOST = 'api.weixin.qq.com';

/**
 * True for addresses and names only this machine can reach.
 * @example isLoopback('127.0.0.1') // true; isLoopback('0.0.0.0') // false
 */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * The name part of a Host header, lower-cased, without the port, IPv6 brackets or a final dot.
 * @example hostName('[::1]:4020') // '::1'; hostName('LocalHost.:80') // 'localhost'
 */
export function hostName(host: string): string {
  const text = host.trim().toLowerCase();
  if (text.startsWith('[')) return text.slice(1, text.indexOf(']') === -1 ? undefined : text.indexOf(']'));
  const colon = text.lastIndexOf(':');
  const name = colon === -1 || text.indexOf(':') !== colon ? text : text.slice(0, colon);
  return name.endsWith('.') ? name.slice(0, -1) : name;
}

/**
 * True for a Host name that cannot be a DNS-rebinding page's own: an attack needs a dotted public
 * name its owner can point at this address, so loopback names, IP literals (a page served from an
 * address has that address as its origin), single-label names (a CI service alias such as
 * wechat-mock, a compose service name), the container engines' names for the host, and WeChat's own
 * API host (no one but WeChat serves pages under it) are safe. Takes a name as hostName() returns it.
 * @example isRebindingSafe('wechat-mock') // true; isRebindingSafe('evil.example') // false
 */
export function isRebindingSafe(name: string): boolean {
  return (
    isLoopback(name) ||
    isIP(name) !== 0 ||
    /^[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?$/.test(name) ||
    CONTAINER_HOST_NAMES.includes(name) ||
    name === WECHAT_API_HOST
  );
}

/**
 * Whether the mock answers a request sent under this Host name (from hostName), on the API routes
 * and the control API alike: a rebinding-safe name, or one given with --allowed-host. A rebinding
 * page sends its own dotted public name and is refused before it reads or changes anything.
 * @example isAnsweredHost('wechat-mock', new Set()) // true; isAnsweredHost('evil.example', new Set()) // false
 */
export function isAnsweredHost(name: string, allowed: ReadonlySet<string>): boolean {
  return name !== '' && (isRebindingSafe(name) || allowed.has(name));
}

/**
 * The message for a Host the mock does not answer, naming the flag that would let it.
 * @example refusedHostMessage('evil.example:4020') // 'Host "evil.example:4020" is not one this mock answers …'
 */
export function refusedHostMessage(host: string): string {
  const name = hostName(host).slice(0, 100);
  return `Host ${JSON.stringify(host.slice(0, 100))} is not one this mock answers (a web page may be trying DNS rebinding); loopback names, IP literals, single-label names, ${CONTAINER_HOST_NAMES.join(', ')} and ${WECHAT_API_HOST} are, and so are names given with --allowed-host NAME (here: --allowed-host ${name})`;
}
