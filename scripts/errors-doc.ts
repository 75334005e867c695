// Writes docs/errors.md from the error catalogue (npm run docs:errors); the errors test fails when they differ.
import { writeFileSync } from 'node:fs';
import { renderErrorsDoc } from '../src/shared/errors-doc.js';

writeFileSync(new URL('../docs/errors.md', import.meta.url), renderErrorsDoc());
