import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { USER_AGENT_RULES } from '../../../services/core/read-model/user-agent.ts';
import { API_ERRORS } from '../../../services/read-api/errors.ts';

// docs/api.md documents the error table and the User-Agent table; this keeps it in step with the code.
const doc = readFileSync(join(import.meta.dirname, '../../../docs/api.md'), 'utf8');

/** Table rows as trimmed cells (the formatter pads cells, so compare cells, not text). */
const rows: string[][] = doc
  .split('\n')
  .filter((line) => line.startsWith('|'))
  .map((line) =>
    line
      .slice(1, -1)
      .split(/(?<!\\)\|/)
      .map((cell) => cell.trim()),
  );

describe('docs/api.md', () => {
  it('lists every error code with its status', () => {
    for (const [code, { status }] of Object.entries(API_ERRORS)) {
      const row = rows.find((cells) => cells[0] === `\`${code}\``);
      expect(row?.[1], code).toBe(String(status));
    }
  });

  it('lists every User-Agent rule with its format', () => {
    for (const rule of USER_AGENT_RULES) {
      const row = rows.find((cells) => cells[0] === rule.client);
      expect(row?.[2], rule.client).toBe(rule.format);
    }
  });
});
