// One delivery attempt: POSTs the signed JSON body to the webhook's URL and says what came of it.
// A 2xx is delivered; anything else (another status, a redirect, which is never followed, a
// timeout, a refused connection) is a failure with a coarse reason for the delivery log: a tenant
// reads it, so it never carries a network error's own text. The address connected to is checked
// when it is resolved (webhook-address.ts), so a name pointing inside the network reaches nothing.
// At most RESPONSE_BODY_LIMIT bytes of the answer are read: its content does not matter, and a
// receiver must not be able to keep a sender busy or fill its memory.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { addressProblem } from './webhook-address';
import type { AttemptOutcome } from './webhook-deliveries-store';
import { SIGNATURE_HEADER, signWebhookBody, TIMESTAMP_HEADER } from './webhook-signature';

const RESPONSE_BODY_LIMIT = 16 * 1024;

export interface WebhookRequest {
  url: string;
  secret: string;
  body: string;
  eventType: string;
  eventKey: string;
  deliveryId: string;
  webhookId: string;
  attempt: number;
}

/** The headers of an attempt sent at `timestamp` (Unix seconds). */
export function webhookHeaders(request: WebhookRequest, timestamp: number): Record<string, string> {
  return {
    'content-type': 'application/json',
    'user-agent': 'Segmenter-Webhooks/1',
    [SIGNATURE_HEADER]: signWebhookBody(request.secret, timestamp, request.body),
    [TIMESTAMP_HEADER]: String(timestamp),
    'X-Segmenter-Event': request.eventType,
    'X-Segmenter-Event-Key': request.eventKey,
    'X-Segmenter-Delivery': request.deliveryId,
    'X-Segmenter-Webhook': request.webhookId,
    'X-Segmenter-Attempt': String(request.attempt),
  };
}

/** The reasons a failed attempt shows, besides `HTTP <status>`: coarse on purpose (see the module comment). */
export const ATTEMPT_ERRORS = {
  timeout: 'timeout',
  refused: 'connection refused',
  dns: 'DNS failure',
  tls: 'TLS error',
  addressNotAllowed: 'address not allowed',
  other: 'connection failed',
} as const;

/** Thrown by the guarded lookup: the name resolved to an address webhooks may not reach. */
export class AddressNotAllowedError extends Error {
  readonly code = 'EWEBHOOKADDRESS';
  constructor(
    readonly address: string,
    readonly problem: string,
  ) {
    super(`webhook address not allowed: ${address} is ${problem}`);
  }
}

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NODATA', 'EAI_NONAME', 'ENODATA', 'ESERVFAIL', 'ENOTIMP']);
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT', 'ABORT_ERR']);

/** The coarse reason for an error a request failed with. */
export function attemptErrorOf(err: unknown): string {
  const code = String((err as { code?: unknown })?.code ?? '');
  if (err instanceof AddressNotAllowedError) return ATTEMPT_ERRORS.addressNotAllowed;
  if (code === 'ECONNREFUSED') return ATTEMPT_ERRORS.refused;
  if (DNS_CODES.has(code)) return ATTEMPT_ERRORS.dns;
  if (TIMEOUT_CODES.has(code)) return ATTEMPT_ERRORS.timeout;
  // Node's TLS errors (ERR_TLS_CERT_ALTNAME_INVALID, ERR_SSL_WRONG_VERSION_NUMBER), OpenSSL's
  // certificate verdicts (CERT_HAS_EXPIRED, DEPTH_ZERO_SELF_SIGNED_CERT, UNABLE_TO_VERIFY_LEAF_SIGNATURE)
  // and a handshake with something that does not speak TLS (EPROTO).
  if (code === 'EPROTO' || /^ERR_(TLS|SSL)_|CERT|SSL|UNABLE_TO_/.test(code)) return ATTEMPT_ERRORS.tls;
  return ATTEMPT_ERRORS.other;
}

/**
 * A lookup that refuses a name if any of its addresses may not be reached, so the connection
 * (whichever address it picks, IPv4 or IPv6) only goes where the check looked.
 */
export function guardedLookup(allowLoopback: boolean, resolve: typeof dnsLookup = dnsLookup): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 0);
      for (const { address } of addresses) {
        const problem = addressProblem(address, allowLoopback);
        if (problem) return callback(new AddressNotAllowedError(address, problem), '', 0);
      }
      if (addresses.length === 0) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), '', 0);
      if (options.all) return (callback as unknown as (err: null, all: LookupAddress[]) => void)(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

export interface WebhookPosterSettings {
  timeoutMs: number;
  /** Whether loopback addresses may be reached (WEBHOOK_ALLOW_LOOPBACK). */
  allowLoopback: boolean;
  /** Resolves names (tests give names addresses of their choosing). */
  resolve?: typeof dnsLookup;
  now?: () => number;
}

export interface WebhookPoster {
  post(request: WebhookRequest): Promise<AttemptOutcome>;
  /** Closes idle kept-alive connections. */
  close(): void;
}

/**
 * Posts attempts through agents of its own: their connections are made only through the guarded
 * lookup, and no socket another part of the process opened (to Elasticsearch, say) is reused.
 */
export function createWebhookPoster(settings: WebhookPosterSettings): WebhookPoster {
  const now = settings.now ?? Date.now;
  const lookup = guardedLookup(settings.allowLoopback, settings.resolve);
  const agents = { 'http:': new http.Agent({ keepAlive: true, lookup }), 'https:': new https.Agent({ keepAlive: true, lookup }) };

  function post(request: WebhookRequest): Promise<AttemptOutcome> {
    const url = new URL(request.url);
    // An address written in the URL is connected to without any lookup: check it here.
    const literal = url.hostname.replace(/^\[|\]$/g, '');
    if (isIP(literal) && addressProblem(literal, settings.allowLoopback)) return Promise.resolve(failure(null, ATTEMPT_ERRORS.addressNotAllowed));
    const transport = url.protocol === 'https:' ? https : http;
    const agent = url.protocol === 'https:' ? agents['https:'] : agents['http:'];
    return new Promise<AttemptOutcome>((resolve) => {
      let outcome: AttemptOutcome | undefined;
      const settle = (result: AttemptOutcome) => {
        if (outcome) return;
        outcome = result;
        clearTimeout(timer);
        resolve(result);
      };
      const req = transport.request(url, { method: 'POST', headers: webhookHeaders(request, Math.floor(now() / 1000)), agent, lookup }, (res) => {
        // The status decides the outcome: the body is read (so the connection can be kept) but not
        // waited for, and let go past RESPONSE_BODY_LIMIT or the time limit.
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) settle({ ok: true, status });
        else if (status >= 300 && status < 400) settle(failure(status, `HTTP ${status}: redirects are not followed`));
        else settle(failure(status, `HTTP ${status}`));
        const drainTimer = setTimeout(() => res.destroy(), settings.timeoutMs);
        let read = 0;
        res.on('data', (chunk: Buffer) => {
          read += chunk.byteLength;
          if (read > RESPONSE_BODY_LIMIT) res.destroy();
        });
        res.on('close', () => clearTimeout(drainTimer));
        res.on('error', () => undefined);
      });
      const timer = setTimeout(() => {
        settle(failure(null, ATTEMPT_ERRORS.timeout));
        req.destroy();
      }, settings.timeoutMs);
      req.on('error', (err) => settle(failure(null, attemptErrorOf(err))));
      req.on('close', () => settle(failure(null, ATTEMPT_ERRORS.other)));
      req.end(request.body);
    });
  }

  return {
    post,
    close() {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  };
}

const failure = (status: number | null, error: string): AttemptOutcome => ({ ok: false, status, error });
