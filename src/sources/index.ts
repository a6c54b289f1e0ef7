/**
 * The subject sources, by the `subject_token_source` value that selects
 * each. This list is the only place that names them all: a new source is
 * one new module (see subject-source.ts) and one line here.
 */
import { aws } from './aws/index.js';
import { azure } from './azure/index.js';
import { executable } from './executable/index.js';
import { githubOidc } from './github-oidc.js';
import type { SourceDefinition } from './subject-source.js';
import { tokenFile } from './file/index.js';
import { tokenUrl } from './url/index.js';

export const SUBJECT_SOURCES: readonly SourceDefinition[] = [githubOidc, aws, tokenFile, tokenUrl, executable, azure];

/** What the runner passes for an unset subject_token_source (action.yml's default). */
export const DEFAULT_SUBJECT_SOURCE = 'github';
