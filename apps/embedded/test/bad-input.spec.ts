import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { addContextBody, addMessageBody, memoryBody } from '@recollect/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from './harness';

const API = '/api/v1/context';

const routes: Array<{ method: string; path: string }> = [
  { method: 'POST', path: `${API}/add` },
  { method: 'POST', path: `${API}/add-async` },
  { method: 'POST', path: `${API}/search` },
  { method: 'POST', path: `${API}/delete` },
];

const anyCodeUnit = fc.nat(0xffff).map((unit) => String.fromCharCode(unit));

const jsonish = fc.oneof(
  // Strings of any UTF-16 code units, NUL and unpaired surrogates included: PostgreSQL refuses both.
  fc.record({ documents: fc.constant([{ content: 'x' }]), source: fc.constant('s'), context_type: fc.constant('resource'), scope: fc.constant('internal'), query: fc.constant('q'), metadata: fc.dictionary(fc.string({ unit: anyCodeUnit }), fc.jsonValue({ maxDepth: 2, stringUnit: anyCodeUnit })) }),
  fc.jsonValue({ maxDepth: 4, stringUnit: anyCodeUnit }),
  fc.record(
    {
      documents: fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.array(fc.dictionary(fc.constantFrom('content', 'fileName', 'x'), fc.jsonValue({ maxDepth: 2 })), { maxLength: 4 })),
      source: fc.jsonValue({ maxDepth: 1 }),
      context_type: fc.oneof(fc.constantFrom('resource', 'conversation', 'instruction'), fc.jsonValue({ maxDepth: 1 })),
      scope: fc.jsonValue({ maxDepth: 1 }),
      metadata: fc.jsonValue({ maxDepth: 3 }),
      chained: fc.jsonValue({ maxDepth: 1 }),
      query: fc.oneof(fc.string(), fc.jsonValue({ maxDepth: 1 })),
      similarity_threshold: fc.oneof(fc.double(), fc.jsonValue({ maxDepth: 1 })),
      minimum_similarity_threshold: fc.oneof(fc.double(), fc.jsonValue({ maxDepth: 1 })),
      by_id: fc.jsonValue({ maxDepth: 1 }),
      user_id: fc.jsonValue({ maxDepth: 1 }),
    },
    { requiredKeys: [] },
  ),
);

describe('malformed input never causes a 5xx', () => {
  let sut: TestStack;
  let token: string;

  beforeAll(async () => {
    sut = await startTestStack({ RATE_LIMIT_PER_MINUTE: '1000000' });
    token = sut.token('fuzzer', 'fuzz-org');
  });
  afterAll(() => sut?.stop());

  it('answers 2xx or 4xx, with an error envelope for 4xx, for generated JSON bodies on every write and search route', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), jsonish, async (route, body) => {
        const response = await sut.call(token, route.method, route.path, JSON.stringify(body));
        expect(response.status, JSON.stringify(body)).toBeLessThan(500);
        if (response.status >= 400) expect(response.body).toMatchObject({ success: false, status: response.status, error: { code: expect.any(String) } });
      }),
      { numRuns: 150, seed: 20261123 },
    );
  });

  it('answers 4xx for raw bodies that are not JSON at all', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), fc.string({ maxLength: 200 }), async (route, raw) => {
        const response = await sut.call(token, route.method, route.path, raw);
        expect(response.status).toBeLessThan(500);
      }),
      { numRuns: 60, seed: 7 },
    );
  });

  it('answers 4xx for generated query strings and path parameters on every read route', async () => {
    const segment = fc.string({ maxLength: 40 }).map(encodeURIComponent);
    await fc.assert(
      fc.asyncProperty(segment, segment, async (a, b) => {
        for (const path of [
          `${API}/view?file_name=${a}&limit=${b}&offset=${a}`,
          `${API}/view/docs?${a}=${b}`,
          `${API}/add-async/status?type=${a}&limit=${b}&offset=${b}`,
          `${API}/add-async/${a || 'x'}/status`,
          `${API}/search?mode=${a}&metadata=${b}`,
        ]) {
          const method = path.includes('/search') ? 'POST' : 'GET';
          const response = await sut.call(token, method, path, method === 'POST' ? { query: 'q' } : undefined);
          expect(response.status, path).toBeLessThan(500);
        }
        const cancel = await sut.call(token, 'DELETE', `${API}/add-async/${a || 'x'}/cancel`);
        expect(cancel.status).toBeLessThan(500);
      }),
      { numRuns: 60, seed: 11 },
    );
  });

  it('answers 400 naming a query parameter given twice or in a bracket form, which would otherwise filter nothing', async () => {
    const cases: Array<[string, string]> = [
      [`${API}/view?file_name[]=a&file_name[]=b`, 'file_name'],
      [`${API}/view?file_name[a]=b`, 'file_name'],
      [`${API}/view?limit=10&limit=20`, 'limit'],
      [`${API}/add-async/status?type[]=failed`, 'type'],
    ];
    for (const [path, field] of cases) {
      const r = await sut.call(token, 'GET', path);
      expect(r.status, path).toBe(400);
      expect(r.body.error.details.issues, path).toEqual([expect.objectContaining({ field, rule: 'single_value' })]);
    }
    expect((await sut.call(token, 'GET', `${API}/view?file_name=a&_=1712`)).status).toBe(200);
  });

  it('answers 415 for a body that is not JSON, and 400 for malformed headers', async () => {
    const response = await fetch(`${sut.url}${API}/search`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/xml' }, body: '<q/>' });
    expect(response.status).toBe(415);
    const badAuth = await fetch(`${sut.url}${API}/view`, { headers: { authorization: 'Bearer' } });
    expect(badAuth.status).toBe(401);
  });

  // Node's parser refuses these before any route; Fastify answered them in a shape of its own.
  it('answers 431 in the API error shape for headers over 16 KiB, and 400 for a request that is not HTTP', async () => {
    const tooLarge = await fetch(`${sut.url}${API}/view`, { headers: { authorization: `Bearer ${token}`, 'x-padding': 'x'.repeat(17 * 1024) } });
    expect(tooLarge.status).toBe(431);
    expect(await tooLarge.json()).toMatchObject({ success: false, status: 431, error: { code: 'HEADERS_TOO_LARGE', message: expect.stringContaining('at most 16 KiB') } });

    const { port, hostname } = new URL(sut.url);
    const answer = await new Promise<string>((resolve, reject) => {
      let received = '';
      const socket = connect(Number(port), hostname, () => socket.write('NOT HTTP AT ALL\r\n\r\n'));
      socket.on('data', (chunk) => (received += chunk.toString()));
      socket.on('close', () => resolve(received));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({ success: false, status: 400, error: { code: 'VALIDATION_FAILED' } });
  });

  it("answers a path the router refuses (too long a segment, not UTF-8) in its API family's error shape, and a long id by its own rule", async () => {
    const longId = await sut.call(token, 'GET', `${API}/add-async/${'j'.repeat(150)}/status`);
    expect(longId.status).toBeGreaterThanOrEqual(400);
    expect(longId.status).toBeLessThan(500);
    expect(longId.body).toMatchObject({ success: false, status: longId.status, error: { code: expect.any(String) } });

    const tooLong = await sut.call(token, 'GET', `${API}/add-async/${'j'.repeat(2_000)}/status`);
    expect(tooLong.status).toBe(414);
    expect(tooLong.body).toMatchObject({ success: false, status: 414, error: { code: 'URI_TOO_LONG' } });

    const notUtf8 = await sut.call(token, 'GET', `${API}/add-async/%ED%A0%80/status`);
    expect(notUtf8.status).toBe(400);
    expect(notUtf8.body).toMatchObject({ success: false, status: 400, error: { code: 'VALIDATION_FAILED', message: 'The path is not valid percent-encoded UTF-8' } });

    // Memind's routes answer Memind's shape, whoever refuses the request.
    const memindNotUtf8 = await sut.call(token, 'GET', '/open/v1/operations/%ED%A0%80');
    expect(memindNotUtf8.status).toBe(400);
    expect(memindNotUtf8.body).toEqual({ error: { code: 'VALIDATION_FAILED', message: 'The path is not valid percent-encoded UTF-8' } });
    const memindTooLong = await sut.call(token, 'GET', `/open/v1/operations/${'o'.repeat(2_000)}`);
    expect(memindTooLong.status).toBe(414);
    expect(memindTooLong.body).toEqual({ error: { code: 'URI_TOO_LONG', message: expect.any(String) } });
    const gzipped = await fetch(`${sut.url}/open/v1/memory/retrieve`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: 'x' });
    expect(gzipped.status).toBe(415);
    expect(await gzipped.json()).toEqual({ error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: expect.stringContaining('gzip') } });
  });

  it('answers 405 naming the methods a path takes, in its API family\'s error shape, and 404 for a path no route has', async () => {
    const refused = async (method: string, path: string) => {
      const response = await fetch(`${sut.url}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
      return { status: response.status, allow: response.headers.get('allow'), body: await response.json() };
    };
    const put = await refused('PUT', `${API}/add`);
    expect(put).toEqual({
      status: 405,
      allow: 'POST',
      body: expect.objectContaining({ success: false, status: 405, error: { code: 'METHOD_NOT_ALLOWED', message: `PUT is not allowed on ${API}/add: it takes POST` } }),
    });
    // Paths with parameters, and one beside them.
    expect(await refused('POST', `${API}/add-async/some-job/status`)).toMatchObject({ status: 405, allow: 'GET' });
    expect(await refused('GET', `${API}/add-async/some-job/cancel`)).toMatchObject({ status: 405, allow: 'DELETE' });
    expect(await refused('POST', `${API}/add-async/status`)).toMatchObject({ status: 405, allow: 'GET' });
    expect(await refused('DELETE', '/open/v1/memory/retrieve')).toEqual({
      status: 405,
      allow: 'POST',
      body: { error: { code: 'METHOD_NOT_ALLOWED', message: 'DELETE is not allowed on /open/v1/memory/retrieve: it takes POST' } },
    });
    expect(await refused('GET', `${API}/no-such-route`)).toMatchObject({ status: 404, allow: null, body: { error: { code: 'NOT_FOUND' } } });
  });

  it('answers 415 for a compressed body or one in another charset, and 400 naming the field for a number that overflows', async () => {
    const post = (headers: Record<string, string>, body: string | Buffer) =>
      fetch(`${sut.url}${API}/search`, { method: 'POST', headers: { authorization: `Bearer ${token}`, ...headers }, body });
    const gzipped = await post({ 'content-type': 'application/json', 'content-encoding': 'gzip' }, gzipSync(JSON.stringify({ query: 'q' })));
    expect(gzipped.status).toBe(415);
    expect(await gzipped.json()).toMatchObject({ success: false, status: 415, error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: expect.stringContaining('gzip') } });
    const latin1 = await post({ 'content-type': 'application/json; charset=ISO-8859-1' }, Buffer.from(JSON.stringify({ query: 'caf\u00e9' }), 'latin1'));
    expect(latin1.status).toBe(415);
    expect(((await latin1.json()) as { error: { message: string } }).error.message).toContain('charset=iso-8859-1');
    expect((await post({ 'content-type': 'application/json; charset=UTF-8' }, JSON.stringify({ query: 'café', similarity_threshold: 1, minimum_similarity_threshold: 0 }))).status).toBe(202);
    const noBody = await fetch(`${sut.url}${API}/view/docs`, { headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain; charset=latin1', 'content-encoding': 'gzip' } });
    expect(noBody.status).toBe(200);

    const overflow = await sut.call(token, 'POST', `${API}/add-async`, '{"documents":[{"content":"x"}],"source":"s","context_type":"resource","metadata":{"weight":1e309}}');
    expect(overflow.status).toBe(400);
    expect(overflow.body.error.message).toContain('metadata.weight: must be a finite number');
  });

  it('says why a body is not read: where its JSON breaks, or which key is refused, on Alchemyst and Memind routes alike', async () => {
    const broken = await sut.call(token, 'POST', `${API}/add-async`, '{"documents":[{"content":"x",}],"source":"s","context_type":"resource"}');
    expect(broken.status).toBe(400);
    expect(broken.body).toMatchObject({ success: false, status: 400, error: { code: 'VALIDATION_FAILED' } });
    expect(broken.body.error.message).toMatch(/^Body is not valid JSON: .*position 29/);

    for (const path of [`${API}/add-async`, '/open/v1/memory/sync/add-message']) {
      const poisoned = await sut.call(token, 'POST', path, '{"documents":[{"content":"x","__proto__":{"isAdmin":true}}],"source":"s","context_type":"resource"}');
      expect(poisoned.status).toBe(400);
      expect(JSON.stringify(poisoned.body)).toContain('must not hold a \\"__proto__\\" key');
    }
    const viaConstructor = await sut.call(token, 'POST', `${API}/search`, '{"query":"q","constructor":{"prototype":{"x":1}}}');
    expect(viaConstructor.status).toBe(400);
    expect(viaConstructor.body.error.message).toContain('"constructor" key holding "prototype"');

    const empty = await fetch(`${sut.url}${API}/search`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '' });
    expect(empty.status).toBe(400);
    expect(((await empty.json()) as { error: { message: string } }).error.message).toContain('Body is empty');

    const form = await fetch(`${sut.url}${API}/search`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' }, body: 'query=q' });
    expect(form.status).toBe(415);
    expect(((await form.json()) as { error: { message: string } }).error.message).toContain('application/x-www-form-urlencoded was given');
    // JSON sent as text/plain is refused like any other type, not read as a string and then refused as one.
    const plain = await fetch(`${sut.url}${API}/search`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain' }, body: '{"query":"q"}' });
    expect(plain.status).toBe(415);

    // Bytes that are not UTF-8 are refused, not stored as U+FFFD.
    const bytes = Buffer.concat([Buffer.from('{"query":"bad '), Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0xed, 0xa0, 0x80]), Buffer.from('","similarity_threshold":1,"minimum_similarity_threshold":0}')]);
    const notUtf8 = await fetch(`${sut.url}${API}/search`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: bytes });
    expect(notUtf8.status).toBe(400);
    expect(((await notUtf8.json()) as { error: { message: string } }).error.message).toBe('Body is not valid UTF-8: send JSON encoded as UTF-8');

    // A byte-order mark is allowed, as before.
    expect((await sut.call(token, 'POST', `${API}/search`, `\ufeff${JSON.stringify({ query: 'q', similarity_threshold: 1, minimum_similarity_threshold: 0 })}`)).status).toBe(202);
  });

  // PostgreSQL cannot store U+0000; before this check such a body failed the durable append with a 503.
  it.each([
    [`${API}/add-async`, addContextBody({ documents: [{ content: 'before\u0000after' }] }), 'documents[0].content'],
    [`${API}/add`, addContextBody({ metadata: { fileName: 'a\u0000b.txt' } }), 'metadata.fileName'],
    [`${API}/memory/add`, memoryBody('nul-session', [{ content: 'hi\u0000' }]), 'contents[0].content'],
    ['/open/v1/memory/sync/add-message', addMessageBody('fuzzer', 'hi\u0000there', { sessionId: 'nul' }), 'message.content'],
  ])('answers 400 naming the field for a NUL character, on %s', async (path, body, field) => {
    const response = await sut.call(token, 'POST', path, body);
    expect(response.status).toBe(400);
    expect(response.body.error.message).toContain(field);
  });

  // jsonb refuses an unpaired surrogate; before this check the durable append failed and the client got a 503.
  it.each([
    [`${API}/add-async`, addContextBody({ documents: [{ content: 'cut mid-emoji \ud83d' }] }), 'documents[0].content'],
    [`${API}/memory/update`, memoryBody('surrogate-session', [{ content: 'hi', id: '\ud800' }]), 'contents[0].id'],
    ['/open/v1/memory/async/add-message', addMessageBody('fuzzer', 'half \udc00 a pair', { sessionId: 'surrogate' }), 'message.content[0].text'],
  ])('answers 400 naming the field for an unpaired surrogate, on %s', async (path, body, field) => {
    const response = await sut.call(token, 'POST', path, body);
    expect(response.status).toBe(400);
    expect(response.body.error.message).toContain(`${field}: must be well-formed Unicode`);
  });

  // A few kilobytes of brackets used to exhaust the stack of the body walk: a 500.
  it.each([`${API}/search`, `${API}/add-async`, `${API}/memory/add`, '/open/v1/memory/retrieve'])('answers 400 for a body nested 20,000 levels deep, on %s', async (path) => {
    const response = await sut.call(token, 'POST', path, `{"metadata":${'['.repeat(20_000)}${']'.repeat(20_000)}}`);
    expect(response.status).toBe(400);
    expect(response.body.error.message).toMatch(/^Invalid body: metadata(\[0\])+: must not nest arrays and objects more than 64 levels deep/);
  });

  // Bus messages wrap the body in an envelope; one the gateway accepted must not fail the consumer's check.
  it('takes metadata nested right up to the limit through to searchable, for documents and memory', async () => {
    const nested = (levels: number): unknown => Array.from({ length: levels }).reduce<unknown>((inner) => ({ d: inner }), 'leaf');
    // Body, metadata, then 62 objects: the 64th level.
    const add = await sut.call(token, 'POST', `${API}/add`, addContextBody({ metadata: { fileName: 'deep.txt', x: nested(62) } }));
    expect(add.status, JSON.stringify(add.body)).toBe(201);
    // Body, contents, entry, metadata, then 60.
    const memory = await sut.call(token, 'POST', `${API}/memory/add`, memoryBody('deep-session', [{ content: 'deep metadata', metadata: { x: nested(60) } }]));
    expect(memory.status, JSON.stringify(memory.body)).toBe(201);
    const tooDeep = await sut.call(token, 'POST', `${API}/add`, addContextBody({ metadata: { x: nested(63) } }));
    expect(tooDeep.status).toBe(400);
  });

  it('answers 413 for a body over 50 MiB, one byte over included', async () => {
    const framing = JSON.stringify({ documents: [{ content: '' }], source: 's', context_type: 'resource' });
    const justOver = JSON.stringify({ documents: [{ content: 'x'.repeat(50 * 1024 * 1024 + 1 - framing.length) }], source: 's', context_type: 'resource' });
    expect(justOver.length).toBe(50 * 1024 * 1024 + 1);
    const response = await sut.call(token, 'POST', `${API}/add-async`, justOver);
    expect(response.status).toBe(413);
    expect(response.body).toMatchObject({ success: false, status: 413, error: { code: 'PAYLOAD_TOO_LARGE' } });
  });
});
