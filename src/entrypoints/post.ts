// Entry point of the post step (bundled to dist/post/index.js).
import { cleanup } from '../post.js';

cleanup();
