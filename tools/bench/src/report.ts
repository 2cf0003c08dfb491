import { machineLine, type Machine } from './machine';

export interface Row {
  figure: string;
  value: string;
  target?: string;
  met?: boolean;
  note?: string;
}

export interface Section {
  title: string;
  rows: Row[];
  notes: string[];
}

const verdict = (row: Row): string => (row.target === undefined ? '' : row.met ? 'met' : '**missed**');

export function renderReport(sections: Section[], machine: Machine, command: string, startedAt: Date, seconds: number): string {
  const lines = [
    '# Benchmarks',
    '',
    `Written by \`${command}\` on ${startedAt.toISOString()} in ${Math.round(seconds)} s.`,
    '',
    machineLine(machine),
    '',
    'Every figure is measured in the same run as its baseline; the ratio is what to compare across machines.',
  ];
  for (const section of sections) {
    lines.push('', `## ${section.title}`, '', '| figure | value | target | verdict | note |', '| --- | --- | --- | --- | --- |');
    for (const row of section.rows) lines.push(`| ${row.figure} | ${row.value} | ${row.target ?? ''} | ${verdict(row)} | ${row.note ?? ''} |`);
    if (section.notes.length > 0) lines.push('', ...section.notes.map((n) => `- ${n}`));
  }
  const missed = sections.flatMap((s) => s.rows.filter((r) => r.target !== undefined && !r.met).map((r) => `${s.title}: ${r.figure} (${r.value}, target ${r.target})`));
  lines.push('', '## Targets missed', '', ...(missed.length ? missed.map((m) => `- ${m}`) : ['None.']), '');
  return lines.join('\n');
}
