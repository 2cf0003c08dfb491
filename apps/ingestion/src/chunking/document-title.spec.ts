import { describe, expect, it } from 'vitest';
import { documentTitle } from './document-title';

describe('documentTitle', () => {
  it('takes a short first line followed by more text as the title', () => {
    expect(documentTitle('Microstructural development of white matter\n\nAlterations of the architecture...', {})).toBe('Microstructural development of white matter');
    expect(documentTitle('  # Release notes \nVersion 2 adds search.', {})).toBe('Release notes');
  });

  it('prefers a title sent in the metadata', () => {
    expect(documentTitle('First line\nmore', { title: '  Given title ' })).toBe('Given title');
    expect(documentTitle('First line\nmore', { title: '   ' })).toBe('First line');
    expect(documentTitle('First line\nmore', { title: 42 })).toBe('First line');
  });

  it('finds none in a single paragraph, a lone line, or a first line too long for a heading', () => {
    expect(documentTitle('Customer asked about pricing for the Scale plan.', {})).toBeNull();
    expect(documentTitle('Only a heading\n\n  ', {})).toBeNull();
    expect(documentTitle(`${'word '.repeat(41)}\nrest of the text`, {})).toBeNull();
    expect(documentTitle('\n\nBody after blank lines', {})).toBeNull();
  });
});
