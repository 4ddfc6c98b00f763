// GET /api/docs: the API reference as one HTML page, made from the OpenAPI
// document (so it says what the document says): per operation its method,
// path, summary, who may call it, parameters and request body schema. No
// script; every text escaped.

type Doc = { info: { title: string; version: string; description?: string }; paths: Record<string, Record<string, OperationDoc>> };
interface OperationDoc {
  summary: string;
  tags: string[];
  security: Array<Record<string, unknown>>;
  parameters?: Array<{ name: string; in: string; required: boolean; schema: unknown }>;
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { description?: string; $ref?: string }>;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function apiReferencePage(document: Record<string, unknown>): string {
  const doc = document as unknown as Doc;
  const sections: string[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const auth = op.security.length === 0 ? 'no sign-in' : op.security.some((s) => 'basicAuth' in s) ? 'admin: Bearer or Basic' : 'Bearer token';
      const params = (op.parameters ?? []).map((p) => `<li><code>${esc(p.name)}</code> (${esc(p.in)}${p.required ? ', required' : ''}): <code>${esc(JSON.stringify(p.schema))}</code></li>`).join('');
      const body = op.requestBody ? Object.entries(op.requestBody.content).map(([type, c]) => `<p>Body <code>${esc(type)}</code>:</p><pre>${esc(JSON.stringify(c.schema, null, 2))}</pre>`).join('') : '';
      const ok = Object.entries(op.responses).filter(([, r]) => !r.$ref).map(([s, r]) => `${esc(s)} ${esc(r.description ?? '')}`).join(', ');
      sections.push(`<section><h2><span class="m">${esc(method.toUpperCase())}</span> <code>${esc(path)}</code></h2>`
        + `<p>${esc(op.summary)} <em>(${esc(auth)}; ${ok})</em></p>${params ? `<ul>${params}</ul>` : ''}${body}</section>`);
    }
  }
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(doc.info.title)} reference</title>`
    + '<style>body{font:15px/1.45 system-ui,sans-serif;max-width:960px;margin:2em auto;padding:0 1em}h2{font-size:1.05em;margin:1.6em 0 .3em}'
    + '.m{display:inline-block;min-width:4.5em;font-family:monospace}pre{background:#f4f4f4;padding:.6em;overflow:auto;font-size:13px}</style></head>'
    + `<body><h1>${esc(doc.info.title)} ${esc(doc.info.version)}</h1><p>${esc(doc.info.description ?? '')}</p>`
    + '<p>Machine-readable: <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI 3.1).</p>'
    + `${sections.join('\n')}</body></html>`;
}
