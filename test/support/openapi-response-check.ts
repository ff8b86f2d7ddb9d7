// Checks every answer an integration test receives against the OpenAPI document: the operation is
// found by method and path template, its status must be listed, and a JSON body must validate
// against the listed schema (streams: the content type only). On by default, CI included;
// OPENAPI_RESPONSE_CHECK=off turns it off while a shape is in flux.
import Ajv2020, { ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { OPERATIONS, openApiDocument } from '../../services/api/src/openapi/openapi-document';

const DOCUMENT_ID = 'urn:segmenter:openapi';

export const responseCheckEnabled = () => process.env.OPENAPI_RESPONSE_CHECK !== 'off';

interface Template {
  method: string;
  path: string;
  pattern: RegExp;
  /** Fewer placeholders first, so `/v1/contacts/deleted` wins over `/v1/contacts/{id}`. */
  placeholders: number;
}

let state: { templates: Template[]; ajv: Ajv2020; document: ReturnType<typeof openApiDocument>; validators: Map<string, ValidateFunction> } | undefined;

function load() {
  if (state) return state;
  const document = openApiDocument();
  // strict: false, because the document's own keywords (openapi, paths, responses) are not JSON Schema.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: DOCUMENT_ID, ...document });
  const templates = OPERATIONS.map((op) => ({
    method: op.method.toUpperCase(),
    path: op.path,
    pattern: new RegExp(`^${op.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{\w+\}/g, '[^/]+')}/?$`, 'i'),
    placeholders: (op.path.match(/\{/g) ?? []).length,
  })).sort((a, b) => a.placeholders - b.placeholders);
  state = { templates, ajv, document, validators: new Map() };
  return state;
}

const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

/**
 * Why an answer does not match the document, or undefined when it does (or when no operation of
 * the document has this method and path: an unknown route is the router's 404, not a contract).
 */
export function responseViolation(method: string, url: string, status: number, contentType: string | null, body: unknown): string | undefined {
  const { templates, document, ajv, validators } = load();
  const path = url.split('?')[0]!;
  const template = templates.find((t) => t.method === method.toUpperCase() && t.pattern.test(path));
  if (!template) return undefined;
  // The router's own 404 (no route matched): not an answer of any operation.
  if (status === 404 && String((body as { detail?: unknown } | undefined)?.detail ?? '').startsWith('No route')) return undefined;
  const operation = `${template.method} ${template.path}`;
  const responses = (document.paths[template.path] as Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>)[
    template.method.toLowerCase()
  ]!.responses;
  const listed = responses[String(status)];
  if (!listed)
    return `${operation} answered ${status}, which the OpenAPI document does not list (it lists ${Object.keys(responses).join(', ')}); body: ${JSON.stringify(body)?.slice(0, 500)}`;
  const mediaTypes = Object.keys(listed.content ?? {});
  if (mediaTypes.length === 0) return undefined;
  const mediaType = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (!mediaTypes.includes(mediaType)) return `${operation} answered ${status} as "${contentType}", but the document lists ${mediaTypes.join(', ')}`;
  if (!mediaType.endsWith('json')) return undefined; // streams and files: the content type is the contract
  const key = pointer(template.path, template.method.toLowerCase(), 'responses', String(status), 'content', mediaType, 'schema');
  let validate = validators.get(key);
  if (!validate) {
    validate = ajv.compile({ $ref: `${DOCUMENT_ID}#/paths/${key}` });
    validators.set(key, validate);
  }
  if (validate(body)) return undefined;
  const errors = (validate.errors ?? []).slice(0, 10).map((e) => `${e.instancePath || '(body)'} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
  return `${operation} answered ${status} with a body that does not match the OpenAPI document:\n  ${errors.join('\n  ')}\nbody: ${JSON.stringify(body)?.slice(0, 1000)}`;
}
