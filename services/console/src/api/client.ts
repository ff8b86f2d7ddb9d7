// The console's one door to the API: openapi-fetch typed by the generated api-types.ts, with the
// session's key on every request. A 401 signs the session out (the key was revoked meanwhile).
import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './api-types';
import { sessionKey, signOut } from '../session/session';

export type Schemas = components['schemas'];
export type Contact = Schemas['Contact'];

const withApiKey: Middleware = {
  onRequest({ request }) {
    const key = sessionKey();
    if (key && !request.headers.has('x-api-key')) request.headers.set('x-api-key', key);
    return request;
  },
  onResponse({ request, response }) {
    // Only for the session's own key: the sign-in page's check of a candidate key must not sign out.
    if (response.status === 401 && request.headers.get('x-api-key') === sessionKey()) signOut();
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: window.location.origin });
api.use(withApiKey);
