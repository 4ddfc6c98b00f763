import { describe, expect, it, vi } from 'vitest';
import { createApiClient } from './api-client';
import { ApiError } from './api-error';

function jsonResponse(status: number, body: unknown): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });
}

function clientWith(response: Response | Error, token: string | null = 'tok') {
  const fetchMock = vi.fn(async () => {
    if (response instanceof Error) throw response;
    return response;
  });
  const onUnauthorized = vi.fn();
  // No retries here: the retry tests below set their own delays.
  const client = createApiClient({ baseUrl: '', getToken: () => token, onUnauthorized, fetch: fetchMock as unknown as typeof fetch, retryDelays: [] });
  return { client, fetchMock, onUnauthorized };
}

/** A client whose fetch answers from a script, one entry per call, with a clock that only records waits. */
function scriptedClient(script: Array<Response | Error>, retryDelays = [10, 20, 40]) {
  const fetchMock = vi.fn(async () => {
    const next = script.shift();
    if (!next) throw new Error('fetch called more often than scripted');
    if (next instanceof Error) throw next;
    return next;
  });
  const waits: number[] = [];
  const waiting = { begin: vi.fn(), end: vi.fn() };
  const client = createApiClient({
    baseUrl: '',
    getToken: () => 'tok',
    onUnauthorized: vi.fn(),
    fetch: fetchMock as unknown as typeof fetch,
    onWaiting: waiting,
    retryDelays,
    sleep: async (ms) => void waits.push(ms),
  });
  return { client, fetchMock, waits, waiting };
}

describe('api client', () => {
  it('sends the bearer token and JSON body, and returns the parsed answer', async () => {
    const { client, fetchMock } = clientWith(jsonResponse(200, { ok: 1 }));
    await expect(client.post('/api/x', { a: 1 })).resolves.toEqual({ ok: 1 });
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/x');
    expect(init.method).toBe('POST');
    expect((init.headers as Record<string, string>).Authorization).toBe('Bearer tok');
    expect((init.headers as Record<string, string>)['Content-Type']).toBe('application/json');
    expect(init.body).toBe('{"a":1}');
  });

  it('turns the contract error body into an ApiError with code, kind, message and status', async () => {
    const { client } = clientWith(jsonResponse(422, { error: { code: 'relay_not_configured', message: 'No relay' } }));
    const error = await client.post('/api/messages', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'relay_not_configured', kind: 'unprocessable', message: 'No relay', status: 422 });
  });

  it.each([
    [400, 'invalid'],
    [403, 'forbidden'],
    [404, 'notFound'],
    [409, 'conflict'],
    [413, 'tooLarge'],
    [429, 'rateLimited'],
    [500, 'server'],
    [502, 'server'],
  ] as const)('maps status %i without a JSON body to kind %s with a readable message', async (status, kind) => {
    const { client } = clientWith(new Response('<html>oops</html>', { status }));
    const error = (await client.get('/api/x').catch((e: unknown) => e)) as ApiError;
    expect(error.kind).toBe(kind);
    expect(error.code).toBe(`http_${status}`);
    expect(error.message.length).toBeGreaterThan(5);
  });

  it('ends the session on a 401 from an authenticated call', async () => {
    const { client, onUnauthorized } = clientWith(jsonResponse(401, { error: { code: 'unauthorized', message: 'Bad token' } }));
    await expect(client.get('/api/folders')).rejects.toMatchObject({ kind: 'unauthorized' });
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
  });

  it('does not end the session on a 401 from sign-in (wrong password) and sends no token', async () => {
    const { client, onUnauthorized, fetchMock } = clientWith(
      jsonResponse(401, { error: { code: 'invalid_credentials', message: 'Wrong email or password' } }),
    );
    await expect(client.post('/api/auth/login', {}, { auth: false })).rejects.toMatchObject({ code: 'invalid_credentials' });
    expect(onUnauthorized).not.toHaveBeenCalled();
    const init = (fetchMock.mock.calls[0] as unknown as [string, RequestInit])[1];
    expect((init.headers as Record<string, string>).Authorization).toBeUndefined();
  });

  it('reports a network failure as kind network, status 0', async () => {
    const { client } = clientWith(new TypeError('Failed to fetch'));
    await expect(client.get('/api/x')).rejects.toMatchObject({ kind: 'network', status: 0 });
  });

  it('returns undefined for 204 and sends FormData untouched (no JSON content type)', async () => {
    const { client, fetchMock } = clientWith(new Response(null, { status: 204 }));
    await expect(client.delete('/api/messages/1')).resolves.toBeUndefined();
    const form = new FormData();
    const second = clientWith(jsonResponse(202, { message: {} }));
    await second.client.post('/api/messages', form);
    const init = (second.fetchMock.mock.calls[0] as unknown as [string, RequestInit])[1];
    expect(init.body).toBe(form);
    expect((init.headers as Record<string, string>)['Content-Type']).toBeUndefined();
    expect(fetchMock).toHaveBeenCalledOnce();
  });

  describe('while the server restarts', () => {
    it('retries a read after proxy 502/503/504 and network errors, backing off, and returns the answer', async () => {
      const { client, fetchMock, waits, waiting } = scriptedClient([
        new TypeError('Failed to fetch'),
        new Response('', { status: 502 }),
        new Response('', { status: 503 }),
        jsonResponse(200, { folders: [] }),
      ]);
      await expect(client.get('/api/folders')).resolves.toEqual({ folders: [] });
      expect(fetchMock).toHaveBeenCalledTimes(4);
      expect(waits).toEqual([10, 20, 40]);
      expect(waiting.begin).toHaveBeenCalledOnce();
      expect(waiting.end).toHaveBeenCalledOnce();
    });

    it('gives up with the last error once the delays are used up', async () => {
      const { client, fetchMock, waiting } = scriptedClient(
        [new Response('', { status: 504 }), new Response('', { status: 504 }), new Response('', { status: 504 })],
        [10, 20],
      );
      await expect(client.get('/api/x')).rejects.toMatchObject({ kind: 'server', status: 504 });
      expect(fetchMock).toHaveBeenCalledTimes(3);
      expect(waiting.end).toHaveBeenCalledOnce();
    });

    it('does not retry an answer from the API itself (500, 404) or a write', async () => {
      const first = scriptedClient([jsonResponse(500, { error: { code: 'internal', message: 'boom' } })]);
      await expect(first.client.get('/api/x')).rejects.toMatchObject({ code: 'internal' });
      expect(first.fetchMock).toHaveBeenCalledOnce();

      const second = scriptedClient([jsonResponse(404, { error: { code: 'not_found', message: 'no' } })]);
      await expect(second.client.get('/api/x')).rejects.toMatchObject({ kind: 'notFound' });
      expect(second.fetchMock).toHaveBeenCalledOnce();

      const write = scriptedClient([new Response('', { status: 502 })]);
      await expect(write.client.post('/api/messages', { to: ['a@b.c'] })).rejects.toMatchObject({ status: 502 });
      expect(write.fetchMock).toHaveBeenCalledOnce();
      expect(write.waiting.begin).not.toHaveBeenCalled();
    });
  });
});
