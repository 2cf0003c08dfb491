import 'reflect-metadata';
import { loadEnv } from '@recollect/config';
import { leaveShutdownSignalsToTheOwner } from '@recollect/database';
import { stopOnSignals } from '@recollect/runtime';
import { startEmbeddedStack } from './embedded-stack';
import { PinoLoggerService } from './pino-logger';

async function main(): Promise<void> {
  const env = loadEnv();
  const logger = PinoLoggerService.create(env.LOG_LEVEL);
  const stack = await startEmbeddedStack({ env, logger });

  stopOnSignals(logger, [() => stack.stop()]);
  // From here the stack stops PostgreSQL itself, after the work in flight.
  leaveShutdownSignalsToTheOwner();

  process.stdout.write(
    [
      '',
      `Recollect is listening on ${stack.url}`,
      `  API docs:   ${stack.url}/docs`,
      `  Get a token: npm run -s token -- --sub <user> --org <org>`,
      `  Try it:     curl -H "Authorization: Bearer $(npm run -s token -- --sub alice | tail -1)" ${stack.url}/api/v1/context/view/docs`,
      '',
    ].join('\n') + '\n',
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`Recollect failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
