import { DomainError } from '@recollect/contracts';
import { describe, expect, it } from 'vitest';
import { filterToSql, filterToSqlBesideTenant } from './filter-to-sql';
import { sqlInList, sqlString, sqlStringArray } from './sql';

describe('sqlString', () => {
  it.each([
    ['plain', "'plain'"],
    ["x' OR '1'='1", "'x'' OR ''1''=''1'"],
    ["'", "''''"],
    ['back\\slash\\', "'back\\slash\\'"],
    ['line\nbreak', "'line\nbreak'"],
    ['naïve ✓', "'naïve ✓'"],
    ['', "''"],
  ])('quotes %j', (input, expected) => {
    expect(sqlString(input)).toBe(expected);
  });

  it('keeps every quote doubled, so the literal cannot be closed early', () => {
    const hostile = "a'; DELETE FROM chunks; --'";
    const literal = sqlString(hostile);
    const body = literal.slice(1, -1);
    expect(body.replaceAll("''", '')).not.toContain("'");
    expect(body.replaceAll("''", "'")).toBe(hostile);
  });

  it('rejects NUL characters', () => {
    expect(() => sqlString('a\u0000b')).toThrow(DomainError);
  });

  it('builds list literals', () => {
    expect(sqlStringArray(["a'b", 'c'])).toBe("['a''b', 'c']");
    expect(sqlInList(["a'b", 'c'])).toBe("('a''b', 'c')");
    expect(() => sqlInList([])).toThrow();
  });
});

describe('filterToSql', () => {
  it('always filters by tenant, on its one exact value', () => {
    expect(filterToSql({ tenant: { userId: 'u', organizationId: null } })).toBe("(tenant_id = '1:u:-')");
    expect(filterToSql({ tenant: { userId: "u'", organizationId: 'o' } })).toBe("(tenant_id = '2:u'':+o')");
  });

  it('escapes every client value', () => {
    const where = filterToSql({
      tenant: { userId: 'u', organizationId: null },
      fileName: "f'",
      fileType: "t'",
      groupName: ["g'"],
      source: "s'",
      contextType: "c'",
      scope: "p'",
      documentIds: ["d'"],
      lastModifiedFrom: '2024-01-01T00:00:00Z',
    });
    expect(where).toContain("file_name = 'f'''");
    expect(where).toContain("file_type = 't'''");
    expect(where).toContain("array_has_all(group_name, ['g'''])");
    expect(where).toContain("document_id IN ('d''')");
    expect(where).toContain("last_modified >= '2024-01-01T00:00:00.000Z'");
    expect(where.replaceAll("''", '').split("'").length % 2).toBe(1);
  });

  it('turns an empty documentIds list into a predicate that matches nothing', () => {
    expect(filterToSql({ tenant: { userId: 'u', organizationId: 'o' }, documentIds: [] })).toContain('(FALSE)');
  });

  it('beside the tenant, keeps every other clause as it is', () => {
    const filter = { tenant: { userId: 'u', organizationId: 'o' }, documentIds: ["d'"], source: 's', scope: 'internal' };
    expect(filterToSqlBesideTenant(filter)).toBe("(document_id IN ('d''')) AND (source = 's') AND (scope = 'internal')");
    expect(filterToSql(filter)).toBe(`(tenant_id = '1:u:+o') AND ${filterToSqlBesideTenant(filter)}`);
    expect(filterToSqlBesideTenant({ ...filter, documentIds: [] })).toContain('(FALSE)');
  });
});
