/**
 * The json-logic operators rules may use (json-logic-js's, less `log`, which writes to the
 * console from inside the pure engine), with their arity and what they return, so `validate`
 * can catch typos, wrong argument counts and non-boolean rules before a check ever runs.
 */

export type ResultType = 'boolean' | 'number' | 'string' | 'array' | 'any';

export interface OperatorInfo {
  min: number;
  max: number;
  /** `branches`: the type of its result branches (if, and, or). */
  result: ResultType | 'branches';
  /** The second argument runs once per element of the first (`var` paths become relative to it). */
  perItem?: 'item' | 'reduce';
}

const many = Number.POSITIVE_INFINITY;
const compare: OperatorInfo = { min: 2, max: 2, result: 'boolean' };

export const OPERATORS: Readonly<Record<string, OperatorInfo>> = {
  '==': compare, '===': compare, '!=': compare, '!==': compare, '>': compare, '>=': compare,
  '<': { min: 2, max: 3, result: 'boolean' },
  '<=': { min: 2, max: 3, result: 'boolean' },
  '!': { min: 1, max: 1, result: 'boolean' },
  '!!': { min: 1, max: 1, result: 'boolean' },
  in: { min: 2, max: 2, result: 'boolean' },
  and: { min: 1, max: many, result: 'branches' },
  or: { min: 1, max: many, result: 'branches' },
  if: { min: 1, max: many, result: 'branches' },
  '?:': { min: 3, max: 3, result: 'branches' },
  '+': { min: 0, max: many, result: 'number' },
  '-': { min: 1, max: 2, result: 'number' },
  '*': { min: 1, max: many, result: 'number' },
  '/': { min: 2, max: 2, result: 'number' },
  '%': { min: 2, max: 2, result: 'number' },
  min: { min: 1, max: many, result: 'number' },
  max: { min: 1, max: many, result: 'number' },
  cat: { min: 0, max: many, result: 'string' },
  substr: { min: 2, max: 3, result: 'string' },
  merge: { min: 0, max: many, result: 'array' },
  var: { min: 0, max: 2, result: 'any' },
  missing: { min: 0, max: many, result: 'array' },
  missing_some: { min: 2, max: 2, result: 'array' },
  all: { min: 2, max: 2, result: 'boolean', perItem: 'item' },
  some: { min: 2, max: 2, result: 'boolean', perItem: 'item' },
  none: { min: 2, max: 2, result: 'boolean', perItem: 'item' },
  filter: { min: 2, max: 2, result: 'array', perItem: 'item' },
  map: { min: 2, max: 2, result: 'array', perItem: 'item' },
  reduce: { min: 2, max: 3, result: 'any', perItem: 'reduce' },
};

export function isOperator(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(OPERATORS, name);
}
