/**
 * The run-time halves of the file and url sources, loaded together when a
 * run selects either: they share ExternalTokenSource and the token formats,
 * which one chunk then carries once instead of twice.
 */
export { FileSource } from './token-file-source.js';
export { UrlSource } from './token-url-source.js';
