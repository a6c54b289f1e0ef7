/**
 * The token format shared by the file and url sources: the
 * subject_token_format / subject_token_field inputs, the credential_source
 * `format` gcloud writes for them, and taking the token out of what was read.
 */
import { ConfigError, EnvironmentError } from '../../src/errors.js';
import { credentialSourceFormat, readTokenFormat, tokenFrom } from '../../src/sources/shared/subject-token-format.js';

const formatOf = (inputs: Record<string, string>) => readTokenFormat((name) => inputs[name] ?? '');

function configErrorOf(inputs: Record<string, string>): string {
  try {
    formatOf(inputs);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

function readErrorOf(content: string, format: ReturnType<typeof formatOf>): string {
  try {
    tokenFrom(content, format, 'The file /t');
  } catch (err) {
    expect(err).toBeInstanceOf(EnvironmentError);
    return (err as Error).message;
  }
  throw new Error('expected an EnvironmentError');
}

describe('subject_token_format and subject_token_field', () => {
  it('default text: gcloud then writes no format', () => {
    const format = formatOf({});
    expect(format).toEqual({ type: 'text', explicit: false });
    expect(credentialSourceFormat(format)).toEqual({});
  });

  it('text given explicitly: format {type: text}, as gcloud writes for --credential-source-type=text', () => {
    expect(credentialSourceFormat(formatOf({ subject_token_format: 'text' }))).toEqual({ format: { type: 'text' } });
  });

  it('json with its field', () => {
    const format = formatOf({ subject_token_format: 'json', subject_token_field: 'id_token' });
    expect(credentialSourceFormat(format)).toEqual({ format: { type: 'json', subject_token_field_name: 'id_token' } });
  });

  it('refuses json without a field, a field without json, and other formats', () => {
    expect(configErrorOf({ subject_token_format: 'json' })).toMatch(/needs "subject_token_field"/);
    expect(configErrorOf({ subject_token_field: 'value' })).toMatch(
      /"subject_token_field" applies only with subject_token_format: json/,
    );
    expect(configErrorOf({ subject_token_format: 'yaml' })).toBe(
      '"subject_token_format" must be text or json, got "yaml".',
    );
    expect(configErrorOf({ subject_token_format: 'json', subject_token_field: 'a\u0000b' })).toMatch(/on one line/);
  });
});

describe('taking the token out of the text', () => {
  const text = formatOf({});
  const json = formatOf({ subject_token_format: 'json', subject_token_field: 'id_token' });

  it('text: the whole content, without the final newline a writer added', () => {
    expect(tokenFrom('eyJ.a.b\n', text, 'x')).toBe('eyJ.a.b');
  });

  it('json: the field', () => {
    expect(tokenFrom('{"id_token":"eyJ.a.b","expires_in":3600}', json, 'x')).toBe('eyJ.a.b');
  });

  it('says what is wrong, never quoting the content', () => {
    expect(readErrorOf(' \n', text)).toBe('The file /t is empty: there is no subject token in it.');
    expect(readErrorOf('{"id_token":"SECRET-1"}', text)).toMatch(/holds a JSON object, not a bare token/);
    expect(readErrorOf('SECRET-2', json)).toMatch(/is not valid JSON \(subject_token_format: json\)/);
    expect(readErrorOf('', json)).toMatch(/is empty/);
    expect(readErrorOf('["SECRET-3"]', json)).toMatch(/is JSON but not an object/);
    expect(readErrorOf('{"token":"SECRET-4","exp":1}', json)).toBe(
      'The file /t has no field "id_token" (subject_token_field). Its fields are: "token", "exp".',
    );
    expect(readErrorOf('{}', json)).toMatch(/It is an empty object/);
    expect(readErrorOf('{"id_token":{"v":"SECRET-5"}}', json)).toMatch(
      /the field "id_token" is an object, not the token/,
    );
    expect(readErrorOf('{"id_token":""}', json)).toMatch(/the field "id_token" is empty/);
    for (const message of [readErrorOf('{"token":"SECRET-4"}', json), readErrorOf('SECRET-2', json)]) {
      expect(message).not.toContain('SECRET');
    }
  });
});
