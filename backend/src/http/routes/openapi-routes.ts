// GET /api/openapi.json and GET /api/docs (the reference page made from it).
// The document is built once, on first request, from the app as mounted.
import { Router, type Express } from 'express';
import { OPERATIONS } from '../openapi/api-operations.js';
import { apiReferencePage } from '../openapi/api-reference-page.js';
import { appRoutes, openApiDocument } from '../openapi/openapi-document.js';

export function openApiRoutes(app: () => Express, info: { version: string; apiVersion: string }): Router {
  const r = Router();
  let document: Record<string, unknown> | null = null;
  const built = () => (document ??= openApiDocument(appRoutes(app()), OPERATIONS, info));
  r.get('/openapi.json', (_req, res) => {
    res.json(built());
  });
  r.get('/docs', (_req, res) => {
    res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
    res.type('html').send(apiReferencePage(built()));
  });
  return r;
}
