import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

/** The built entry point, exactly as `npm start` runs it; `npm test` builds it first. */
const MAIN = resolve(__dirname, '../dist/main.js');

/** How the process ended. */
export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServiceProcess {
  url: string;
  /** What it has written so far, stdout and stderr, up to its last 200 lines. */
  output(): readonly string[];
  /** Sends `signal` and resolves once the process has exited; SIGKILL follows if it has not within `graceMs`. */
  stop(signal: NodeJS.Signals, graceMs?: number): Promise<Exit>;
}

/**
 * The embedded service in a process of its own, so a test can kill it the way an orchestrator or the
 * OOM killer would. Resolves once it listens; otherwise kills it and rejects with its last output.
 */
export async function startServiceProcess(env: Record<string, string>, startTimeoutMs = 60_000): Promise<ServiceProcess> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` first (\`npm test\` does)`);
  const child = spawn(process.execPath, [MAIN], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  // 'close', not 'exit': by then its output has been read to the end.
  const exited = new Promise<Exit>((done) => child.once('close', (code, signal) => done({ code, signal })));
  const output: string[] = [];
  const remember = (line: string) => {
    output.push(line);
    if (output.length > 200) output.shift();
  };
  createInterface({ input: child.stderr! }).on('line', remember);
  const url = await new Promise<string>((listening, failed) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      failed(new Error(`the service did not listen within ${startTimeoutMs} ms: ${output.slice(-20).join(' | ')}`));
    }, startTimeoutMs);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      remember(line);
      const found = /listening on (http:\/\/\S+)/.exec(line)?.[1];
      if (found) {
        clearTimeout(timer);
        listening(found);
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      failed(new Error(`the service exited before it listened (${signal ?? `code ${code}`}): ${output.slice(-20).join(' | ')}`));
    });
  });
  return { url, output: () => [...output], stop: (signal, graceMs = 30_000) => stopProcess(child, exited, signal, graceMs) };
}

async function stopProcess(child: ChildProcess, exited: Promise<Exit>, signal: NodeJS.Signals, graceMs: number): Promise<Exit> {
  if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  try {
    return await exited;
  } finally {
    clearTimeout(timer);
  }
}
