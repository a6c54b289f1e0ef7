/**
 * Names of the state the main step saves for the post step. Saved state, not
 * environment variables, so that a later step cannot redirect the cleanup.
 * A module of its own so that the post step does not load the main step's code.
 */
export const STATE_CREDENTIALS_FILE = 'credentials_file_path';
export const STATE_CLEANUP = 'cleanup_credentials';
