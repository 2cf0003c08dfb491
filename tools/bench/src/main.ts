import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { machineTicks, stealShare } from './cpu-accounting';
import { measureCoreScaling } from './core-scaling';
import { describeMachine } from './machine';
import { renderReport, type Section } from './report';
import { benchAddAsync } from './sections/add-async.bench';
import { benchIngestion } from './sections/ingestion.bench';
import { benchLargeDocument } from './sections/large-document.bench';
import { benchSearchScale } from './sections/search-scale.bench';
import { REPO_ROOT } from './service';

const SECTIONS: Record<string, (quick: boolean) => Promise<Section>> = {
  'add-async': benchAddAsync,
  ingestion: benchIngestion,
  search: benchSearchScale,
  'large-document': benchLargeDocument,
};

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, only: { type: 'string' }, out: { type: 'string' } } });
  const quick = values.quick ?? false;
  const out = values.out ?? join(REPO_ROOT, quick ? 'docs/BENCHMARKS.quick.md' : 'docs/BENCHMARKS.md');
  const names = values.only ? values.only.split(',') : Object.keys(SECTIONS);
  const startedAt = new Date();
  const ticksAtStart = machineTicks();
  // Before the sections, while nothing else of the benchmark runs.
  const coreScaling = await measureCoreScaling();
  const sections: Section[] = [];
  for (const name of names) {
    const run = SECTIONS[name];
    if (!run) throw new Error(`unknown section ${name}; choose from ${Object.keys(SECTIONS).join(', ')}`);
    process.stderr.write(`bench: ${name}${quick ? ' (quick)' : ''}…\n`);
    sections.push(await run(quick));
  }
  const flags = [...(quick ? ['--quick'] : []), ...(values.only ? [`--only ${values.only}`] : [])];
  const command = `npm run bench${flags.length > 0 ? ` -- ${flags.join(' ')}` : ''}`;
  const report = renderReport(sections, describeMachine({ coreScaling, stealShare: stealShare(ticksAtStart, machineTicks()) }), command, startedAt, (Date.now() - startedAt.getTime()) / 1000);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, report);
  process.stdout.write(`${report}\nbench: report written to ${out}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
