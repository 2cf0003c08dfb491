import { spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const CLI = join(__dirname, '../dist/token.js');
const dataDir = mkdtempSync(join(tmpdir(), 'recollect-token-'));
/** The claims of an HS256 token whose signature `secret` made; throws otherwise. */
function verifiedClaims(token: string, secret: string): Record<string, number | string> {
  const [header, payload, signature] = token.split('.');
  if (createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url') !== signature) throw new Error('bad signature');
  return JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8'));
}
const run = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { env: { ...process.env, DATA_DIR: dataDir, JWT_SECRET: 'token-cli-secret-long-enough' }, encoding: 'utf8' });

describe('the token command', () => {
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('prints a token for the secret, lasting as long as asked', () => {
    const printed = run('--sub', 'alice', '--org', 'acme', '--expires-in', '60');
    expect(printed.status).toBe(0);
    const claims = verifiedClaims(printed.stdout.trim(), 'token-cli-secret-long-enough');
    expect(claims).toMatchObject({ sub: 'alice', org: 'acme' });
    expect((claims.exp as number) - (claims.iat as number)).toBe(60);
  });

  it('answers --help with the usage, and a bad option with the reason and the usage, never a stack trace', () => {
    expect(run('--help')).toMatchObject({ status: 0, stdout: expect.stringMatching(/^usage: /) });
    for (const [args, reason] of [
      [['--sub', 'a', '--expires-in=-100'], '--expires-in must be a positive whole number of seconds (got -100)'],
      [['--sub', 'a', '--expires-in', 'soon'], '--expires-in must be a positive whole number'],
      [['--sub', 'a', '--expires-in', '1e20'], '--expires-in must be a positive whole number'],
      [['--sub', 'a', '--bogus'], "Unknown option '--bogus'"],
      [[], '--sub is required'],
    ] as const) {
      const refused = run(...args);
      expect(refused.status, args.join(' ')).toBe(2);
      expect(refused.stderr).toContain(reason);
      expect(refused.stderr).toContain('usage: ');
      expect(refused.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
