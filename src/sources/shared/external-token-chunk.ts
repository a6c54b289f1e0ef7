/**
 * Not a source: a bundling unit. The run-time halves of the file and url sources, loaded together when a
 * run selects either: they share ExternalTokenSource and the token formats,
 * which one chunk then carries once instead of twice.
 */
export { createFileSource } from '../file/file-source.js';
export { createUrlSource } from '../url/url-source.js';
