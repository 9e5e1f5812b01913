/** Limits on what a YAML spec document may hold (parse-yaml.ts). */

/** More aliases than a hand-written spec ever needs; a bomb needs thousands. */
export const MAX_ALIASES = 100;
/** Deeper than any real spec (a rule nested 60 levels is unreadable anyway). */
export const MAX_DEPTH = 64;
