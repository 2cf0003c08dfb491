import { pacedLoad, type PacedLoadRequest } from './paced-load';

/** Runs in a child process so the load generator never shares an event loop with what it measures. */
async function main(): Promise<void> {
  const request = JSON.parse(process.argv[2]!) as PacedLoadRequest;
  process.stdout.write(`${JSON.stringify(await pacedLoad(request))}\n`);
}

void main();
