import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/**
 * How much work the cores do together, against one core alone. On a virtual machine two cores can
 * be two hyperthreads of one physical core, or share it with other guests: then every core slows
 * down once all are busy, and a baseline that keeps all cores busy (the encoder's) gains less from
 * the second core than one that keeps them half busy. The report gives this beside the machine so
 * ratios from different hosts can be read side by side.
 */
export interface CoreScaling {
  cores: number;
  /** One fixed integer loop, run alone, best of a few runs. */
  aloneMs: number;
  /** The same loop on every core at once, the slowest of them, best of a few rounds. */
  togetherMs: number;
}

// A loop the JIT cannot fold away (its result is sent back), with no memory traffic: pure core time.
const LOOP = `
const { parentPort, workerData } = require('node:worker_threads');
let x = 1;
const started = process.hrtime.bigint();
for (let i = 0; i < workerData; i += 1) x = (Math.imul(x, 1103515245) + i) | 0;
parentPort.postMessage({ ms: Number(process.hrtime.bigint() - started) / 1e6, x });
`;

const ITERATIONS = 100_000_000;
const ROUNDS = 3;

function runLoop(iterations: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(LOOP, { eval: true, workerData: iterations });
    worker.once('message', ({ ms }: { ms: number }) => {
      resolve(ms);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the timing loop's worker exited with ${code} before answering`)));
  });
}

export async function measureCoreScaling(iterations = ITERATIONS, cores = availableParallelism()): Promise<CoreScaling> {
  let aloneMs = Infinity;
  let togetherMs = Infinity;
  for (let round = 0; round < ROUNDS; round += 1) {
    aloneMs = Math.min(aloneMs, await runLoop(iterations));
    const together = await Promise.all(Array.from({ length: cores }, () => runLoop(iterations)));
    togetherMs = Math.min(togetherMs, Math.max(...together));
  }
  return { cores, aloneMs, togetherMs };
}

/** The cores' work together in units of one core alone: `cores` where they do not slow each other. */
export const coresWorth = ({ cores, aloneMs, togetherMs }: CoreScaling): number => (cores * aloneMs) / togetherMs;
