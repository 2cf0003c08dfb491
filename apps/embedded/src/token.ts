import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { signToken } from '@recollect/auth';
import { loadEnv } from '@recollect/config';
import { jwtSecretFor } from './secrets';

/** Prints a signed JWT for the running service's secret; the token alone is the last line. */
function main(): void {
  const { values } = parseArgs({
    options: {
      sub: { type: 'string' },
      org: { type: 'string' },
      scope: { type: 'string' },
      'expires-in': { type: 'string' },
    },
  });
  if (!values.sub) {
    process.stderr.write('usage: npm run -s token -- --sub <user> [--org <org>] [--scope admin] [--expires-in <seconds>]\n');
    process.exit(2);
  }
  const env = loadEnv();
  const secret = jwtSecretFor(resolve(env.DATA_DIR), env.JWT_SECRET);
  const expiresInSeconds = values['expires-in'] ? Number(values['expires-in']) : undefined;
  process.stdout.write(`${signToken({ secret, sub: values.sub, org: values.org, orgClaim: env.JWT_ORG_CLAIM, scope: values.scope, expiresInSeconds })}\n`);
}

main();
