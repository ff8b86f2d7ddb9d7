// One delivery attempt: POSTs the signed JSON body to the webhook's URL and says what came of it.
// A 2xx is delivered; anything else (another status, a redirect, which is never followed, a
// timeout, a refused connection) is a failure with a short reason for the delivery log. At most
// RESPONSE_BODY_LIMIT bytes of the answer are read: its content does not matter, and a receiver
// must not be able to keep a sender busy or fill its memory.
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

export async function postWebhook(request: WebhookRequest, timeoutMs: number, now: () => number = Date.now): Promise<AttemptOutcome> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const res = await fetch(request.url, {
      method: 'POST',
      headers: webhookHeaders(request, Math.floor(now() / 1000)),
      body: request.body,
      redirect: 'manual',
      signal,
    });
    await drain(res.body);
    if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status };
    if (res.status >= 300 && res.status < 400) return { ok: false, status: res.status, error: `HTTP ${res.status}: redirects are not followed` };
    return { ok: false, status: res.status, error: `HTTP ${res.status}` };
  } catch (err) {
    if (signal.aborted) return { ok: false, status: null, error: `no answer within ${timeoutMs} ms` };
    return { ok: false, status: null, error: `request failed: ${reasonOf(err)}` };
  }
}

/** Reads at most RESPONSE_BODY_LIMIT bytes of the answer, then lets the connection go. */
async function drain(body: ReadableStream<Uint8Array> | null): Promise<void> {
  if (!body) return;
  const reader = body.getReader();
  let read = 0;
  try {
    while (read <= RESPONSE_BODY_LIMIT) {
      const { done, value } = await reader.read();
      if (done) return;
      read += value.byteLength;
    }
    await reader.cancel();
  } catch {
    // The status decides the outcome; a body cut short changes nothing.
  }
}

/** fetch says "fetch failed" and keeps the reason (ECONNREFUSED, a TLS error) in its cause. */
function reasonOf(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  const reason = cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
  return reason.slice(0, 300);
}
