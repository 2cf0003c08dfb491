import Fastify from 'fastify';

/** The baseline: a bare Fastify JSON route that parses the body and answers, nothing more. Runs in its own process. */
async function main(): Promise<void> {
  const app = Fastify({ logger: false, bodyLimit: 51 * 1024 * 1024 });
  app.post('/echo', async (request, reply) => {
    const body = request.body as { documents?: unknown[] };
    return reply.status(201).send({ queued: true, jobId: `job-${Array.isArray(body.documents) ? body.documents.length : 0}` });
  });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  process.stdout.write(`${JSON.stringify({ url: address })}\n`);
}

void main();
