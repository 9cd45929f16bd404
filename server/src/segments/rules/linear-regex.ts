import { RE2JS } from 're2js';

/**
 * Regular expressions for `matches`, through re2js (a JavaScript port of RE2): matching time is
 * linear in the text, whatever the pattern, so no rule can hang the server the way `(a+)+$` hangs a
 * backtracking engine. RE2 has no backreferences or lookaround; such a pattern is refused when the
 * rule is saved. A match is found anywhere in the text: anchor with `^` and `$`.
 */

export const MAX_PATTERN_LENGTH = 200;
/** Longer texts are tested on their first 10,000 characters (a fact is a name, a trait, a UTM tag). */
const MAX_TEXT_LENGTH = 10_000;

/** Why a pattern cannot be used, or null. */
export const patternProblem = (pattern: unknown): string | null => {
  if (typeof pattern !== 'string' || pattern === '') return 'expected a regular expression';
  if (pattern.length > MAX_PATTERN_LENGTH) return `a regular expression longer than ${MAX_PATTERN_LENGTH} characters`;
  try {
    RE2JS.compile(pattern);
    return null;
  } catch (error) {
    return `not a regular expression RE2 accepts: ${String((error as Error).message).slice(0, 200)}`;
  }
};

/** A test for a pattern `patternProblem` accepted. */
export const compilePattern = (pattern: string): ((text: string) => boolean) => {
  const compiled = RE2JS.compile(pattern);
  return (text) => compiled.matcher(text.length > MAX_TEXT_LENGTH ? text.slice(0, MAX_TEXT_LENGTH) : text).find();
};
