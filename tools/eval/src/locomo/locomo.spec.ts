import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadLocomo, parseLocomoDate, toMemoryEntries } from './locomo-dataset';
import { summarise } from './locomo.runner';

describe('parseLocomoDate', () => {
  it('reads LoCoMo session times as UTC', () => {
    expect(parseLocomoDate('1:56 pm on 8 May, 2023')).toBe('2023-05-08T13:56:00.000Z');
    expect(parseLocomoDate('10:04 am on 19 June, 2023')).toBe('2023-06-19T10:04:00.000Z');
  });

  it('puts 12 am at midnight and 12 pm at noon', () => {
    expect(parseLocomoDate('12:19 am on 4 January, 2024')).toBe('2024-01-04T00:19:00.000Z');
    expect(parseLocomoDate('12:05 pm on 4 January, 2024')).toBe('2024-01-04T12:05:00.000Z');
  });

  it('refuses what it cannot read', () => {
    expect(() => parseLocomoDate('8 May 2023')).toThrow(/unreadable/);
    expect(() => parseLocomoDate('1:56 pm on 8 Mai, 2023')).toThrow(/unreadable/);
  });
});

describe('toMemoryEntries', () => {
  it('keeps speaker, order (a second apart) and dia_id, and appends image captions', () => {
    const entries = toMemoryEntries({
      startsAt: '2023-05-08T13:56:00.000Z',
      turns: [
        { speaker: 'Caroline', dia_id: 'D1:1', text: 'Hey Mel!' },
        { speaker: 'Melanie', dia_id: 'D1:2', text: 'Look at this.', blip_caption: 'a photo of a sunset' },
      ],
    });
    expect(entries).toEqual([
      { content: 'Hey Mel!', name: 'Caroline', createdAt: '2023-05-08T13:56:00.000Z', metadata: { dia_id: 'D1:1' } },
      { content: 'Look at this. [shares an image: a photo of a sunset]', name: 'Melanie', createdAt: '2023-05-08T13:56:01.000Z', metadata: { dia_id: 'D1:2' } },
    ]);
  });
});

describe('loadLocomo', () => {
  it('orders sessions by number and keeps only evidence that names a turn', () => {
    const folder = mkdtempSync(join(tmpdir(), 'locomo-spec-'));
    const file = join(folder, 'locomo.json');
    const turn = (dia_id: string) => ({ speaker: 'A', dia_id, text: dia_id });
    writeFileSync(
      file,
      JSON.stringify([
        {
          sample_id: 'conv-1',
          conversation: {
            speaker_a: 'A',
            session_10: [turn('D10:1')],
            session_10_date_time: '1:00 pm on 2 May, 2023',
            session_2: [turn('D2:1')],
            session_2_date_time: '1:00 pm on 1 May, 2023',
          },
          qa: [
            { question: 'q1', category: 1, evidence: ['D10:01; D2:1', 'D9:9'] },
            { question: 'q2', category: 3, evidence: [] },
          ],
        },
      ]),
    );
    const data = loadLocomo(file);
    rmSync(folder, { recursive: true });
    expect(data.conversations[0]!.sessions.map((s) => s.turns[0]!.dia_id)).toEqual(['D2:1', 'D10:1']);
    expect(data.questions).toEqual([
      { conversation: 'conv-1', question: 'q1', category: 1, evidence: ['D10:1', 'D2:1'] },
      { conversation: 'conv-1', question: 'q2', category: 3, evidence: [] },
    ]);
  });
});

describe('summarise', () => {
  const score = (category: number, r5: number, r10: number, hit: number) => ({ category, 'recall@5': r5, 'recall@10': r10, 'hit@10': hit });

  it('averages per question over categories 1 to 4 and each apart, category 5 on its own, and counts skipped questions', () => {
    const result = summarise([score(1, 1, 1, 1), score(1, 0, 0.5, 1), score(4, 0, 0, 0), score(5, 1, 1, 1)], [2, 5]);
    expect(result).toEqual({
      'recall@5': 0.333,
      'recall@10': 0.5,
      'hit@10': 0.667,
      questions: 3,
      skipped: 1,
      categories: {
        '1': { 'recall@5': 0.5, 'recall@10': 0.75, 'hit@10': 1, questions: 2, skipped: 0 },
        '2': { 'recall@5': 0, 'recall@10': 0, 'hit@10': 0, questions: 0, skipped: 1 },
        '4': { 'recall@5': 0, 'recall@10': 0, 'hit@10': 0, questions: 1, skipped: 0 },
      },
      category5: { 'recall@5': 1, 'recall@10': 1, 'hit@10': 1, questions: 1, skipped: 1 },
    });
  });
});
