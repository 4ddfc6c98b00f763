// GET /api/openapi.json: every /api route the app serves is in the document
// and described (read off the running app, so a new route without a
// description fails here), the request schemas are the handlers' own, the
// document is valid OpenAPI 3.1 for a validator nobody here wrote (Python's
// openapi-spec-validator), and /api/docs is made from it.
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATIONS } from '../../src/http/openapi/api-operations.js';
import { undescribed, type AppRoute } from '../../src/http/openapi/openapi-document.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
let doc: { openapi: string; paths: Record<string, Record<string, any>> };

const validatorMissing = spawnSync('python3', ['-c', 'import openapi_spec_validator']).status !== 0;

beforeAll(async () => {
  server = await startTestServer();
  const res = await server.api().get('/api/openapi.json');
  expect(res.status).toBe(200);
  expect(res.headers.get('x-api-version')).toBe('1.0');
  doc = res.body;
});

afterAll(async () => {
  await server.stop();
});

/** The routes as the document lists them, back in Express's form. */
function documented(): AppRoute[] {
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.keys(methods).map((m) => ({ method: m.toUpperCase(), path: path.replace(/\{(\w+)\}/g, ':$1') })));
}

describe('GET /api/openapi.json', () => {
  it('lists every /api route the app serves, each described, and no route it does not serve', () => {
    expect(doc.openapi).toBe('3.1.0');
    const routes = documented();
    expect(routes.length).toBe(Object.keys(OPERATIONS).length);
    expect(undescribed(routes, OPERATIONS)).toEqual({ missing: [], stale: [] });
    for (const want of ['GET /api/search', 'POST /api/folders/:id/import', 'GET /api/users/:user', 'DELETE /api/queue/:id', 'POST /api/messages']) {
      expect(routes.map((r) => `${r.method} ${r.path}`)).toContain(want);
    }
  });

  it('carries the handlers\' own schemas: parameters, bodies, security', () => {
    const search = doc.paths['/api/search']!.get;
    expect(search.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['cursor', 'limit', 'q']);
    expect(search.parameters.find((p: { name: string }) => p.name === 'q')).toMatchObject({ in: 'query', required: true, schema: { type: 'string', maxLength: 10_000 } });
    const register = doc.paths['/api/auth/register']!.post;
    expect(register.security).toEqual([]);
    expect(register.requestBody.content['application/json'].schema).toMatchObject({ type: 'object', required: ['email', 'password'] });
    const patch = doc.paths['/api/messages/{id}']!.patch;
    expect(patch.parameters[0]).toMatchObject({ name: 'id', in: 'path', required: true, schema: { type: 'integer' } });
    expect(Object.keys(patch.requestBody.content['application/json'].schema.properties).sort()).toEqual(['folderId', 'isRead', 'isStarred']);
    expect(doc.paths['/api/queue']!.get.security).toEqual([{ bearerAuth: [] }, { basicAuth: [] }]);
  });

  it.skipIf(validatorMissing)('is valid OpenAPI 3.1 (openapi-spec-validator)', () => {
    const r = spawnSync('python3', ['-c', [
      'import json, sys',
      'from openapi_spec_validator import validate',
      'from openapi_spec_validator.validation.validators import OpenAPIV31SpecValidator',
      'validate(json.load(sys.stdin), cls=OpenAPIV31SpecValidator)',
      'print("valid")',
    ].join('\n')], { input: JSON.stringify(doc), encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('valid');
  });
});

describe('GET /api/docs', () => {
  it('is an HTML reference made from the document, with no script', async () => {
    const res = await server.api().get('/api/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = res.bytes.toString('utf8');
    expect(html).toContain('<code>/api/folders/{id}/export</code>');
    expect(html).toContain('Search with words, &#34;phrases&#34; and operators');
    expect(html).not.toMatch(/<script/i);
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
  });
});
