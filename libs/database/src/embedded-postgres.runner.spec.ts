import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { describe, expect, it } from 'vitest';
import { createTestDatabase, freePort } from '@recollect/testing';
import { clusterDirFor, leaveShutdownSignalsToTheOwner, privateAncestorOf, startEmbeddedPostgres, unreachableBinaryReason, usableSocketDir } from './embedded-postgres.runner';

describe('embedded PostgreSQL', () => {
  it('serves a real database that accepts DDL and queries', async () => {
    const db = await createTestDatabase();
    const client = new Client({ connectionString: db.url });
    await client.connect();
    await client.query('CREATE TABLE probe (id int primary key, body jsonb)');
    await client.query('INSERT INTO probe VALUES (1, $1)', [{ ok: true }]);
    const { rows } = await client.query('SELECT body FROM probe');
    expect(rows).toEqual([{ body: { ok: true } }]);
    const version = await client.query('SHOW server_version');
    expect(version.rows[0].server_version).toMatch(/^17\./);
    await client.end();
    await db.drop();
  });

  it.runIf(process.platform !== 'win32')('hands out a URL on its local socket, and still serves 127.0.0.1 to other tools', async () => {
    const db = await createTestDatabase();
    const clientAddressOver = async (url: string): Promise<string | null> => {
      const client = new Client({ connectionString: url });
      await client.connect();
      try {
        return (await client.query<{ address: string | null }>('SELECT inet_client_addr()::text AS address')).rows[0].address;
      } finally {
        await client.end();
      }
    };
    try {
      expect(await clientAddressOver(db.url)).toBeNull(); // a Unix-domain connection has no client address
      const overTcp = new URL(db.url);
      overTcp.hostname = '127.0.0.1';
      expect(await clientAddressOver(overTcp.toString())).toBe('127.0.0.1/32');
    } finally {
      await db.drop();
    }
  });
});

describe(usableSocketDir.name, () => {
  it('takes the first folder holding the server socket for the port, skipping the abstract namespace and missing sockets', () => {
    const dir = mkdtempSync(join(tmpdir(), 'recollect-socket-'));
    try {
      writeFileSync(join(dir, '.s.PGSQL.5999'), '');
      expect(usableSocketDir(`@abstract, /no/such/folder, ${dir}`, 5999)).toBe(dir);
      expect(usableSocketDir(dir, 6000)).toBeUndefined();
      expect(usableSocketDir('', 5999)).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe(leaveShutdownSignalsToTheOwner.name, () => {
  it('stops the library from shutting the server down on signals, keeping it for the process exit', async () => {
    const root = mkdtempSync(join(tmpdir(), 'recollect-signals-'));
    chmodSync(root, 0o755);
    const running = await startEmbeddedPostgres({ dataDir: join(root, 'pg'), port: await freePort() });
    try {
      const exitHook = createRequire(require.resolve('embedded-postgres'))('async-exit-hook') as { hookedEvents(): string[] };
      // A tool without a shutdown of its own keeps the library's: Ctrl-C still stops the server.
      expect(exitHook.hookedEvents()).toEqual(expect.arrayContaining(['SIGINT', 'SIGTERM', 'SIGHUP']));
      leaveShutdownSignalsToTheOwner();
      expect(exitHook.hookedEvents().sort()).toEqual(['beforeExit', 'exit']);
    } finally {
      await running.stop();
    }
  });
});

describe('a cluster left running by a process that was killed', () => {
  const clusterDir = (): string => {
    const root = mkdtempSync(join(tmpdir(), 'recollect-leftover-'));
    chmodSync(root, 0o755); // as root, the server runs as its own user and must reach the folder
    return join(root, 'pg');
  };
  const serves = async (url: string): Promise<boolean> => {
    const client = new Client({ connectionString: url });
    try {
      await client.connect();
      return (await client.query('SELECT 1 AS one')).rows[0].one === 1;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  };
  const postmasterPid = (dir: string): number => Number(readFileSync(join(clusterDirFor(dir), 'postmaster.pid'), 'utf8').split('\n')[0]);

  it.runIf(process.platform === 'linux')('is stopped at the next start, which says so and then serves the database', async () => {
    const dir = clusterDir();
    const first = await startEmbeddedPostgres({ dataDir: dir, port: await freePort() });
    await first.stop();

    // What a SIGKILLed service leaves behind: its server, now a child of init, still holding the cluster.
    const cluster = clusterDirFor(dir);
    const { postgres } = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { postgres: string };
    const { uid, gid } = statSync(cluster);
    const leftoverPort = await freePort();
    spawn('/bin/sh', ['-c', `"${postgres}" -D "${cluster}" -p ${leftoverPort} -c listen_addresses=127.0.0.1 >/dev/null 2>&1 &`], { uid, gid, stdio: 'ignore' });
    await expect.poll(() => serves(first.url.replace(/:\d+\//, `:${leftoverPort}/`)), { timeout: 30_000, interval: 100 }).toBe(true);
    const leftover = postmasterPid(dir);

    const notices: string[] = [];
    const second = await startEmbeddedPostgres({ dataDir: dir, port: await freePort(), notice: (line) => notices.push(line) });
    try {
      expect(notices).toEqual([`stopping PostgreSQL (pid ${leftover}) left running by a process that did not shut down`]);
      expect(await serves(second.url)).toBe(true);
      expect(postmasterPid(dir)).not.toBe(leftover);
      expect(() => process.kill(leftover, 0)).toThrow();
    } finally {
      await second.stop();
    }
  });

  it('is not taken over while the process that started it still runs', async () => {
    const dir = clusterDir();
    const running = await startEmbeddedPostgres({ dataDir: dir, port: await freePort() });
    try {
      await expect(startEmbeddedPostgres({ dataDir: dir, port: await freePort() })).rejects.toThrow(/belongs to another running process .*own DATA_DIR/);
      expect(await serves(running.url)).toBe(true);
    } finally {
      await running.stop();
    }
  });
});

describe('binaries in a folder the server\'s own user cannot enter', () => {
  const tree = (mode: number): { root: string; binary: string } => {
    const root = mkdtempSync(join(tmpdir(), 'recollect-binaries-'));
    mkdirSync(join(root, 'native', 'bin'), { recursive: true });
    chmodSync(root, mode);
    return { root, binary: join(root, 'native', 'bin', 'postgres') };
  };

  it('names the first folder closed to other users, and how to get past it', () => {
    const { root, binary } = tree(0o700);
    expect(privateAncestorOf(binary)).toBe(root);
    const reason = unreachableBinaryReason(binary);
    expect(reason).toContain(`binaries in ${join(root, 'native', 'bin')}`);
    expect(reason).toContain(`chmod o+x ${root}`);
    expect(reason).toContain('DATABASE_URL');
  });

  it('has nothing to say when every folder above them lets other users through', () => {
    const { binary } = tree(0o755);
    expect(privateAncestorOf(binary)).toBeUndefined();
    expect(unreachableBinaryReason(binary)).toBeUndefined();
  });
});
