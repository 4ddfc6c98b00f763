// GET /api/openapi.json: an OpenAPI 3.1 document made from the app itself.
// The routes are read off the Express app (every method and path it
// serves), each described by its entry in api-operations.ts, whose request
// schemas are the zod schemas the handlers validate with (zod 4's
// z.toJSONSchema, JSON Schema 2020-12 as OpenAPI 3.1 uses it). A route
// without an entry is still listed, marked undescribed; a test keeps the
// two lists equal.
import type { Express } from 'express';
import { z } from 'zod';
import type { Operation } from './api-operations.js';

export interface AppRoute {
  method: string;
  /** as Express has it: /api/folders/:id/messages */
  path: string;
}

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
  rawPath?: string | string[];
}

/** Every method and path the app routes, mounted routers included. */
export function appRoutes(app: Express): AppRoute[] {
  const out: AppRoute[] = [];
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '', out);
  return out;
}

function walk(stack: Layer[], prefix: string, out: AppRoute[]): void {
  for (const layer of stack) {
    if (layer.route) {
      for (const method of Object.keys(layer.route.methods)) {
        if (method !== '_all') out.push({ method: method.toUpperCase(), path: joinPath(prefix, layer.route.path) });
      }
      continue;
    }
    if (!Array.isArray(layer.handle?.stack)) continue;
    const mounts = Array.isArray(layer.rawPath) ? layer.rawPath : [layer.rawPath ?? '/'];
    for (const mount of mounts) walk(layer.handle.stack, joinPath(prefix, mount), out);
  }
}

function joinPath(prefix: string, path: string): string {
  const joined = `${prefix}/${path}`.replace(/\/+/g, '/');
  return joined.length > 1 ? joined.replace(/\/$/, '') : joined;
}

const routeKey = (r: AppRoute) => `${r.method} ${r.path}`;

/** The /api routes the app serves that have no entry, and entries the app does not serve. */
export function undescribed(routes: readonly AppRoute[], operations: Record<string, Operation>): { missing: string[]; stale: string[] } {
  const served = new Set(routes.filter((r) => r.path.startsWith('/api/')).map(routeKey));
  return {
    missing: [...served].filter((k) => !operations[k]).sort(),
    stale: Object.keys(operations).filter((k) => !served.has(k)).sort(),
  };
}

export function openApiDocument(routes: readonly AppRoute[], operations: Record<string, Operation>, info: { version: string; apiVersion: string }): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    if (!route.path.startsWith('/api/')) continue;
    const op = operations[routeKey(route)];
    const path = route.path.replace(/:([A-Za-z_]\w*)/g, '{$1}');
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = operationObject(route, op);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'ChitBox API',
      version: info.apiVersion,
      description: `ChitBox ${info.version}. Every answer carries X-API-Version: ${info.apiVersion}. Errors are {"error": {"code", "message"}}.`,
    },
    servers: [{ url: '/' }],
    paths,
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        basicAuth: { type: 'http', scheme: 'basic', description: 'email and password (admin routes)' },
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' } } } },
        },
      },
      responses: Object.fromEntries(
        ([[400, 'Invalid input'], [401, 'No or bad credentials'], [403, 'Not allowed'], [404, 'Not found or not yours'], [429, 'Rate limited']] as const)
          .map(([status, description]) => [String(status), { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } }]),
      ),
    },
  };
}

function operationObject(route: AppRoute, op: Operation | undefined): Record<string, unknown> {
  const operationId = `${route.method.toLowerCase()}${route.path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`;
  const pathNames = [...route.path.matchAll(/:([A-Za-z_]\w*)/g)].map((m) => m[1]!);
  const pathSchemas = op?.params ? objectSchema(op.params).properties : {};
  const parameters: unknown[] = pathNames.map((name) => ({ name, in: 'path', required: true, schema: pathSchemas[name] ?? { type: 'string' } }));
  if (op?.query) {
    const q = objectSchema(op.query);
    for (const [name, schema] of Object.entries(q.properties)) parameters.push({ name, in: 'query', required: q.required.includes(name), schema });
  }
  const [okStatus, okDescription] = op?.ok ?? [200, 'OK'];
  const errors = ['400', ...(op?.auth === 'none' ? [] : ['401']), ...(op?.auth === 'admin' ? ['403'] : []), ...(pathNames.length ? ['404'] : []), '429'];
  return {
    operationId,
    summary: op?.summary ?? '(not described)',
    tags: [op?.tag ?? 'other'],
    security: op?.auth === 'none' ? [] : op?.auth === 'admin' ? [{ bearerAuth: [] }, { basicAuth: [] }] : [{ bearerAuth: [] }],
    ...(parameters.length ? { parameters } : {}),
    ...(op?.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(op.body) } } } } : {}),
    ...(op?.bodyType ? { requestBody: { required: true, content: { [op.bodyType]: { schema: { type: 'string', contentMediaType: op.bodyType } } } } } : {}),
    responses: {
      [String(okStatus)]: {
        description: okDescription,
        ...(okStatus === 204 ? {} : { content: { [op?.okType ?? 'application/json']: { schema: op?.okType ? { type: 'string' } : { type: 'object' } } } }),
      },
      ...Object.fromEntries(errors.map((s) => [s, { $ref: `#/components/responses/${s}` }])),
    },
  };
}

/** The JSON Schema of what a request may send (before coercion and defaults). */
function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

function objectSchema(schema: z.ZodObject): { properties: Record<string, unknown>; required: string[] } {
  const s = jsonSchema(schema) as { properties?: Record<string, unknown>; required?: string[] };
  return { properties: s.properties ?? {}, required: s.required ?? [] };
}
