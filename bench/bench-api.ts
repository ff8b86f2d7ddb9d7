// How the benchmark talks to the api under test: JSON in and out, a workspace key or the operator
// key, and a thrown error naming the request and the answer for anything but a success.

export type Credentials = { apiKey: string } | { operatorKey: string };

export interface ApiAnswer<T> {
  status: number;
  headers: Headers;
  body: T;
}

function headersFor(credentials: Credentials, json: boolean): Record<string, string> {
  const auth: Record<string, string> = 'apiKey' in credentials ? { 'x-api-key': credentials.apiKey } : { authorization: `Bearer ${credentials.operatorKey}` };
  return json ? { ...auth, 'content-type': 'application/json' } : auth;
}

/**
 * Sends one request; answers whatever came back (any status). A GET whose connection fails is sent
 * again (twice at most): a kept-alive socket the server closed at the moment the client reused it
 * resets the request, which a busy machine makes likely over a long run.
 */
export async function request<T = any>(
  baseUrl: string,
  method: string,
  route: string,
  credentials: Credentials,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiAnswer<T>> {
  let res: Response;
  for (let attempt = 0; ; attempt++) {
    try {
      res = await fetch(`${baseUrl}${route}`, {
        method,
        headers: { ...headersFor(credentials, body !== undefined), ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      break;
    } catch (err) {
      if (method !== 'GET' || attempt >= 2) throw err;
    }
  }
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, headers: res.headers, body: parsed as T };
}

/** Sends one request and answers its body; anything but a 2xx throws, with the answer in the message. */
export async function call<T = any>(
  baseUrl: string,
  method: string,
  route: string,
  credentials: Credentials,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<T> {
  const answer = await request<T>(baseUrl, method, route, credentials, body, headers);
  if (answer.status < 200 || answer.status >= 300)
    throw new Error(`${method} ${route} answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 1000)}`);
  return answer.body;
}

/** Runs `work(i)` for i in 0..count-1 with at most `concurrency` in flight. */
export async function inFlight(count: number, concurrency: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) await work(next++);
    }),
  );
}
