import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { signToken } from '@recollect/auth';
import { loadEnv } from '@recollect/config';
import { jwtSecretFor } from './secrets';

const USAGE = 'usage: npm run -s token -- --sub <user> [--org <org>] [--scope admin] [--expires-in <seconds>]\n';

/** Stops with the usage line and why, instead of a stack trace. */
function refuse(reason: string): never {
  process.stderr.write(`${reason}\n${USAGE}`);
  process.exit(2);
}

function parseOptions() {
  try {
    return parseArgs({
      options: {
        sub: { type: 'string' },
        org: { type: 'string' },
        scope: { type: 'string' },
        'expires-in': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (error) {
    return refuse(error instanceof Error ? error.message : String(error));
  }
}

/** Prints a signed JWT for the running service's secret; the token alone is the last line. */
function main(): void {
  const values = parseOptions();
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  if (!values.sub) refuse('--sub is required');
  const expiresIn = values['expires-in'];
  if (expiresIn !== undefined && !/^[1-9]\d{0,9}$/.test(expiresIn)) refuse(`--expires-in must be a positive whole number of seconds (got ${expiresIn})`);
  const expiresInSeconds = expiresIn === undefined ? undefined : Number(expiresIn);
  const env = loadEnv();
  const secret = jwtSecretFor(resolve(env.DATA_DIR), env.JWT_SECRET);
  process.stdout.write(`${signToken({ secret, sub: values.sub, org: values.org, orgClaim: env.JWT_ORG_CLAIM, scope: values.scope, expiresInSeconds })}\n`);
}

main();
