import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Role } from '@outpace/core';
import { describe, expect, it } from 'vitest';
import { PERMISSION_MATRIX, PERMISSIONS } from '../src/auth/permissions.js';
import { ConfigSchema } from '../src/config.js';

const doc = readFileSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../docs/server.md'), 'utf8');

/** The rows of the first table after a heading, as arrays of trimmed cells (header and rule left out). */
function tableAfter(heading: string): string[][] {
  const start = doc.indexOf(`\n${heading}\n`);
  if (start === -1) throw new Error(`docs/server.md has no heading "${heading}"`);
  const lines = doc.slice(start).split('\n');
  const first = lines.findIndex((l) => l.startsWith('|'));
  const rows: string[][] = [];
  for (const line of lines.slice(first + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((c) => c.trim()),
    );
  }
  return rows;
}

const unquote = (cell: string) => cell.replace(/^`|`$/g, '');

describe('docs/server.md', () => {
  it('lists every configuration variable of src/config.ts with its default', () => {
    const rows = tableAfter('## Configuration');
    const documented = new Map(rows.map(([name = '', def = '']) => [unquote(name), def]));
    const variables = Object.keys(ConfigSchema.shape);
    expect([...documented.keys()].sort()).toEqual([...variables].sort());
    for (const [name, schema] of Object.entries(ConfigSchema.shape)) {
      const parsed = (schema as { safeParse(v: unknown): { success: boolean; data?: unknown } }).safeParse(undefined);
      const expected = parsed.success && parsed.data !== undefined ? `\`${String(parsed.data)}\`` : '—';
      expect({ name, default: documented.get(name) }).toEqual({ name, default: expected });
    }
  });

  it('shows the permission matrix of src/auth/permissions.ts exactly', () => {
    const rows = tableAfter(findMatrixHeading());
    const roles: Role[] = ['admin', 'supervisor', 'analyst'];
    const documented = rows.map(([permission = '', , ...cells]) => ({
      permission: unquote(permission),
      roles: Object.fromEntries(roles.map((r, i) => [r, cells[i]])),
    }));
    const actual = PERMISSIONS.map((permission) => ({
      permission,
      roles: Object.fromEntries(roles.map((r) => [r, PERMISSION_MATRIX[r].has(permission) ? 'yes' : 'no'])),
    }));
    expect(documented).toEqual(actual);
  });
});

/** The permission table follows the paragraph that introduces the matrix; its "heading" is that paragraph's last line. */
function findMatrixHeading(): string {
  const at = doc.indexOf('| Permission ');
  if (at === -1) throw new Error('docs/server.md has no permission table');
  const before = doc.slice(0, at).trimEnd().split('\n');
  return before.at(-1) as string;
}
