// Entry point of the main step (bundled to dist/main/index.js).
import { run } from '../main.js';

await run();
