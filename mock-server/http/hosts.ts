// Which Host names count as loopback (the control API answers them without --allowed-host).
/**
 * True for addresses and names only this machine can reach.
 * @example isLoopback('127.0.0.1') // true; isLoopback('0.0.0.0') // false
 */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
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
