// The rule a webhook URL must follow: https, except on the loopback interface (127.0.0.0/8, ::1,
// localhost) where plain http is allowed for local receivers and tests; never an IP literal of an
// internal range. Pure, so it is tested alone. Whether loopback is allowed at all is the
// deployment's choice (WEBHOOK_ALLOW_LOOPBACK, loopbackUrlProblem); names are checked again on the
// address connected to (webhook-address.ts), since a name can resolve anywhere.
import { isIP } from 'node:net';
import { addressProblem, isLoopbackAddress } from './webhook-address';

export const MAX_WEBHOOK_URL_LENGTH = 2048;

/** The rule the URL breaks, in words; undefined when it is acceptable. */
export function webhookUrlProblem(value: string): string | undefined {
  if (value.length > MAX_WEBHOOK_URL_LENGTH) return `must be at most ${MAX_WEBHOOK_URL_LENGTH} characters`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute URL (https://host/path)';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must use https (http only on a loopback host: 127.0.0.0/8, ::1, localhost)';
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) return 'must use https unless the host is loopback (127.0.0.0/8, ::1, localhost)';
  // Credentials in a URL end up in logs and in every list answer: receivers authenticate by the signature.
  if (url.username !== '' || url.password !== '') return 'must not contain a user name or password (verify the signature instead)';
  if (url.hash !== '') return 'must not contain a fragment (#...)';
  const literal = bare(url.hostname);
  const internal = isIP(literal) ? addressProblem(literal, true) : undefined;
  if (internal) return `must not be an internal address: ${internal}`;
  return undefined;
}

/** The rule a loopback URL breaks where loopback is not allowed; undefined otherwise. `value` already passed webhookUrlProblem. */
export function loopbackUrlProblem(value: string, allowLoopback: boolean): string | undefined {
  if (allowLoopback || !isLoopbackHost(new URL(value).hostname)) return undefined;
  return 'must not be a loopback host (127.0.0.0/8, ::1, localhost): WEBHOOK_ALLOW_LOOPBACK is off';
}

/** The host as URL gives it, without IPv6 brackets or a trailing dot, in lower case. */
function bare(hostname: string): string {
  return hostname
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
}

/**
 * 127.0.0.0/8, ::1 (and its IPv4-mapped forms) or the name localhost; `hostname` as URL gives it
 * (IPv6 in brackets). Only `localhost` itself: `*.localhost` is a name like any other, whatever a
 * resolver makes of it, and its address is checked when connecting.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = bare(hostname);
  return host === 'localhost' || isLoopbackAddress(host);
}
