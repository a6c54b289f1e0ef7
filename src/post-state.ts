/**
 * Names of the state the main step saves for the post step. Saved state, not
 * environment variables, so that a later step cannot redirect the cleanup.
 * A module of its own so that the post step does not load the main step's code.
 */
export const STATE_CREDENTIALS_FILE = 'credentials_file_path';
export const STATE_CLEANUP = 'cleanup_credentials';

/**
 * The name of every credentials file the main step creates
 * (credentials-file.ts): the post step removes a file only by this name.
 */
export const CREDENTIALS_FILE_NAME = /^gha-creds-[0-9a-f]{16}\.json$/;

/**
 * 'true' when the file is Application Default Credentials at gcloud's
 * well-known path (credentials_file_location: adc): the one file the post
 * step removes that is not named gha-creds-<hex>.json.
 */
export const STATE_ADC_FILE = 'credentials_file_adc';
/** The name of that file (gcloud's), for the post step to check against the saved path. */
export const ADC_FILE_NAME = 'application_default_credentials.json';
