import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsPlugin from 'ajv-formats';
import { expect } from 'vitest';
import type { TestGateway } from './app.js';

type Json = Record<string, any>;
type Operation = { responses: Record<string, { content?: Record<string, { schema?: Json }> }> };

// ajv-formats is CommonJS: its default export is the plugin (under `default` once more when bundled).
const addFormats = ((addFormatsPlugin as unknown as { default?: unknown }).default ?? addFormatsPlugin) as (ajv: Ajv2020) => Ajv2020;

export interface Checked {
  status: number;
  body: any;
}

/**
 * Real answers checked against a shim's OpenAPI document: `call` makes the request, finds the
 * described operation (by method and path template; the literal path wins over a parameter), and
 * expects the status to be described and the body to validate (ajv, JSON Schema 2020-12, formats).
 * `unchecked()` lists the operations not yet seen answering both a success (2xx) and an error (4xx/5xx).
 */
export async function answerChecker(gw: TestGateway, mount: string, scheme: 'Bearer' | 'bare' = 'Bearer') {
  const res = await gw.request(`${mount}/openapi.json`);
  expect(res.status).toBe(200);
  const doc = (await res.json()) as Json;
  expect(doc.openapi).toBe('3.1.0');
  expect(doc.servers).toEqual([{ url: mount }]);
  const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));
  const validators = new Map<Json, ValidateFunction>();
  const seen = new Set<string>();
  const templates = Object.keys(doc.paths as Json).map((template) => ({
    template,
    params: (template.match(/\{/g) ?? []).length,
    pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
  }));
  // Fewest parameters first: `/users/invite_token` before `/users/{nickname}`.
  templates.sort((a, b) => a.params - b.params);

  function operationOf(method: string, path: string): [string, Operation] {
    const bare = path.split('?')[0].replace(/(.)\/$/, '$1');
    const m = method.toLowerCase();
    const found = templates.find((t) => t.pattern.test(decodeURIComponent(bare).replace(/\/$/, '') || '/') && doc.paths[t.template][m]);
    if (!found) throw new Error(`${method} ${mount}${path} is not described in ${mount}/openapi.json`);
    return [`${method.toUpperCase()} ${found.template}`, doc.paths[found.template][m]];
  }

  /** `json` is sent as JSON; FormData (a multipart upload) as it is. */
  async function call(method: string, path: string, token: string | null, json?: unknown): Promise<Checked> {
    const headers: Record<string, string> = token ? { authorization: scheme === 'bare' ? token : `Bearer ${token}` } : {};
    const sent = json === undefined ? {} : json instanceof FormData ? { body: json } : { json };
    const answer = await gw.request(`${mount}${path}`, { method, headers, ...sent });
    const text = await answer.text();
    const [key, op] = operationOf(method, path);
    const described = op.responses[String(answer.status)];
    expect(described, `${key}: status ${answer.status} is not described (body ${text.slice(0, 300)})`).toBeDefined();
    const schema = described.content?.['application/json']?.schema;
    const media = Object.keys(described.content ?? {}).find((type) => type !== 'application/json');
    let body: unknown = null;
    if (media) {
      // Another media type (an image): described by its type alone.
      expect(answer.headers.get('content-type'), `${key} ${answer.status}`).toBe(media);
    } else if (schema) {
      expect(answer.headers.get('content-type') ?? '', `${key} ${answer.status}`).toMatch(/^application\/json/);
      body = JSON.parse(text);
      const validate = validators.get(schema) ?? ajv.compile(schema);
      validators.set(schema, validate);
      expect(validate(body) ? [] : validate.errors, `${key} ${answer.status}: ${text.slice(0, 300)}`).toEqual([]);
    } else {
      expect(text, `${key} ${answer.status} is described without a body`).toBe('');
    }
    seen.add(`${key} ${answer.status < 300 ? 'success' : 'error'}`);
    return { status: answer.status, body };
  }

  /** Every described operation lacking a checked success or a checked error answer. */
  function unchecked(): string[] {
    const keys = Object.entries(doc.paths as Json).flatMap(([template, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${template}`));
    return keys.flatMap((k) => ['success', 'error'].filter((kind) => !seen.has(`${k} ${kind}`)).map((kind) => `${k} ${kind}`));
  }

  return { doc, call, unchecked };
}
