// The rule a webhook URL must follow: https, except on the loopback interface (127.0.0.0/8, ::1,
// localhost) where plain http is allowed for local receivers and tests. Pure, so it is tested alone.
import { isIP } from 'node:net';

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
  return undefined;
}

/** 127.0.0.0/8, ::1 (and its IPv4-mapped forms) or the name localhost; `hostname` as URL gives it (IPv6 in brackets). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) {
    if (host === '::1') return true;
    // The WHATWG URL parser prints ::ffff:127.0.0.1 as ::ffff:7f00:1.
    const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
    return mapped !== null && parseInt(mapped[1]!, 16) >> 8 === 127;
  }
  return false;
}
