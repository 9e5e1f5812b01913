/** A rule that cannot be evaluated honestly: an unresolved path, a type rollgate will not coerce. */
export class RuleError extends Error {}
