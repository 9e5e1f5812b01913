/** A value with its type, for error messages: `a string ("0")`, `a number (0)`, `null`, `a list ([0])`. */

function compact(value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    text = undefined;
  }
  if (text === undefined) return String(value);
  return text.length > 60 ? text.slice(0, 57) + '…' : text;
}

export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'number': return Number.isFinite(value) ? 'a number' : 'a non-finite number';
    case 'string': return 'a string';
    case 'boolean': return 'a boolean';
    case 'undefined': return 'no value';
    case 'object': return 'a mapping';
    default: return `a ${typeof value}`;
  }
}

export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return typeName(value);
  if (typeof value === 'number' && !Number.isFinite(value)) return `a non-finite number (${String(value)})`;
  return `${typeName(value)} (${compact(value)})`;
}
