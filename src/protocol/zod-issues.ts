// Turns zod issues into one readable error detail, so every protocol refusal says which field failed and why.

import type { z } from 'zod';

/** One `path: message` per issue, joined with "; "; an issue about the whole value is written under `root`. */
export function describeIssues(issues: z.ZodError['issues'], root: string): string {
  return issues
    .map((issue) => {
      const path = issue.path.length === 0 ? root : [root, ...issue.path.map(String)].join('.');
      return `${path}: ${issue.message}`;
    })
    .join('; ');
}
