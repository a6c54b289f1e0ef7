/** What the tests expect where Windows and macOS runners differ from Linux. */

/**
 * The permission bits fs.stat reports for the credentials file: 0600 on Linux
 * and macOS. On Windows a mode is only the read-only attribute, so Node
 * reports 0666 for any writable file; there the file is protected by the ACL
 * it inherits from the workspace directory (src/credentials-file.ts).
 */
export const CREDENTIALS_FILE_MODE = process.platform === 'win32' ? 0o666 : 0o600;
