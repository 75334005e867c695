// Runs the CLI from source (`node --import tsx src/cli/entry.ts …`): used by tests and during development.
import { main } from './main.js';

process.exitCode = await main(process.argv);
