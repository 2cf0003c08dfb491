import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ASYNCAPI_PATH, renderAsyncApiYaml } from './asyncapi.document';

// `npm run asyncapi` (from the repository root): regenerates the committed AsyncAPI document.
const target = resolve(process.argv[2] ?? ASYNCAPI_PATH);
writeFileSync(target, renderAsyncApiYaml());
process.stdout.write(`wrote ${target}\n`);
