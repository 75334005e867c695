// Renders the error catalogue as the Markdown of docs/errors.md.

import { ERRORS, type ErrorSpec } from './errors.js';

export function renderErrorsDoc(): string {
  const lines = [
    '# Error catalogue',
    '',
    'Every failure that crosses a boundary carries one of these codes, with its origin and category. The wire and the',
    'CLI carry the code; an HTTP status is chosen only at the edge. This file is generated from `src/shared/errors.ts`',
    'by `npm run docs:errors`, and a test fails when the two differ.',
    '',
    '| code | origin | category | message |',
    '|---|---|---|---|',
  ];
  for (const [code, spec] of Object.entries(ERRORS) as [string, ErrorSpec][]) {
    lines.push(
      `| \`${code}\` | ${spec.origin} | ${spec.category} | ${spec.message.replaceAll('|', '\\|')} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}
