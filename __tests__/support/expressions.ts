/**
 * A tiny evaluator of GitHub Actions expressions, for the forms the action's
 * messages and docs suggest in `if:` conditions: property paths
 * (`github.event.pull_request.head.repo.fork`, where a missing property is
 * null and null propagates), string, number, boolean and null literals, `!`,
 * `==`, `!=`, `&&`, `||` and parentheses. As in GitHub's evaluator, `&&` and
 * `||` return one of their operands, `==` compares strings case-insensitively,
 * and null, false, 0 and '' are falsy. Anything else throws, so a suggestion
 * in another form fails its test rather than passing by accident.
 */

type Value = string | number | boolean | null | object;

type Token =
  | { kind: 'path'; parts: string[] }
  | { kind: 'literal'; value: Value }
  | { kind: 'op'; op: '!' | '==' | '!=' | '&&' | '||' | '(' | ')' };

function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  const re =
    /\s*(?:(==|!=|&&|\|\||!|\(|\))|'((?:[^']|'')*)'|(-?\d+(?:\.\d+)?)|([A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*))/y;
  let at = 0;
  while (at < expression.length) {
    if (/^\s*$/.test(expression.slice(at))) break;
    re.lastIndex = at;
    const m = re.exec(expression);
    if (!m) throw new Error(`Unsupported expression syntax at ${JSON.stringify(expression.slice(at))}`);
    at = re.lastIndex;
    if (m[1]) tokens.push({ kind: 'op', op: m[1] as '!' });
    else if (m[2] !== undefined) tokens.push({ kind: 'literal', value: m[2].replace(/''/g, "'") });
    else if (m[3] !== undefined) tokens.push({ kind: 'literal', value: Number(m[3]) });
    else if (m[4] === 'true' || m[4] === 'false') tokens.push({ kind: 'literal', value: m[4] === 'true' });
    else if (m[4] === 'null') tokens.push({ kind: 'literal', value: null });
    else tokens.push({ kind: 'path', parts: (m[4] ?? '').split('.') });
  }
  return tokens;
}

function truthy(value: Value): boolean {
  return !(value === null || value === false || value === 0 || value === '');
}

function equal(a: Value, b: Value): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase();
  return a === b;
}

/** Evaluates `expression` (without `${{ }}`) over `contexts` (e.g. `{ github: { event, repository } }`). */
export function evaluate(expression: string, contexts: Record<string, unknown>): Value {
  const tokens = tokenize(expression);
  let i = 0;
  const peek = (): Token | undefined => tokens[i];
  const isOp = (op: string): boolean => {
    const t = peek();
    return t?.kind === 'op' && t.op === op;
  };

  const primary = (): Value => {
    const t = tokens[i++];
    if (!t) throw new Error(`Unexpected end of ${JSON.stringify(expression)}`);
    if (t.kind === 'literal') return t.value;
    if (t.kind === 'path') {
      let value: unknown = contexts;
      for (const part of t.parts) {
        value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
        if (value === undefined) return null;
      }
      return value as Value;
    }
    if (t.op === '!') return !truthy(primary());
    if (t.op === '(') {
      const inner = or();
      if (!isOp(')')) throw new Error(`Missing ) in ${JSON.stringify(expression)}`);
      i++;
      return inner;
    }
    throw new Error(`Unexpected ${t.op} in ${JSON.stringify(expression)}`);
  };
  const comparison = (): Value => {
    let left = primary();
    while (isOp('==') || isOp('!=')) {
      const negate = isOp('!=');
      i++;
      const right = primary();
      left = equal(left, right) !== negate;
    }
    return left;
  };
  const and = (): Value => {
    let left = comparison();
    while (isOp('&&')) {
      i++;
      const right = comparison();
      left = truthy(left) ? right : left;
    }
    return left;
  };
  const or = (): Value => {
    let left = and();
    while (isOp('||')) {
      i++;
      const right = and();
      left = truthy(left) ? left : right;
    }
    return left;
  };

  const value = or();
  if (i !== tokens.length) throw new Error(`Unexpected tokens after ${JSON.stringify(expression)}`);
  return value;
}

/** How GitHub reads an `if:` condition's result. */
export function conditionHolds(expression: string, contexts: Record<string, unknown>): boolean {
  return truthy(evaluate(expression, contexts));
}
