import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

/** The built entry point, exactly as `npm start` runs it; `npm test` builds it first. */
const MAIN = resolve(__dirname, '../dist/main.js');

export interface ServiceProcess {
  url: string;
  /** Sends `signal` and resolves once the process has exited. */
  stop(signal: NodeJS.Signals): Promise<void>;
}

/**
 * The embedded service in a process of its own, so a test can kill it the way an orchestrator or the
 * OOM killer would. Resolves once it listens; rejects with its last output if it exits before.
 */
export async function startServiceProcess(env: Record<string, string>, startTimeoutMs = 60_000): Promise<ServiceProcess> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` first (\`npm test\` does)`);
  const child = spawn(process.execPath, [MAIN], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const output: string[] = [];
  const remember = (line: string) => {
    output.push(line);
    if (output.length > 20) output.shift();
  };
  createInterface({ input: child.stderr! }).on('line', remember);
  const url = await new Promise<string>((listening, failed) => {
    const timer = setTimeout(() => failed(new Error(`the service did not listen within ${startTimeoutMs} ms: ${output.join(' | ')}`)), startTimeoutMs);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      remember(line);
      const found = /listening on (http:\/\/\S+)/.exec(line)?.[1];
      if (found) {
        clearTimeout(timer);
        listening(found);
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      failed(new Error(`the service exited before it listened (code ${child.exitCode}): ${output.join(' | ')}`));
    });
  });
  return { url, stop: (signal) => stopProcess(child, exited, signal) };
}

async function stopProcess(child: ChildProcess, exited: Promise<void>, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  await exited;
}
