/** Names places in a spec the way a release manager would: "gate `queue-depth` of phase `canary-1`". */

type Segment = string | number;

/** The thing at `path` itself, when it is something with a name of its own. */
function ownerName(data: unknown, path: readonly Segment[]): string | undefined {
  const [a, b, c, d, ...more] = path;
  if (path.length === 0) return 'the spec';
  if (more.length > 0) return undefined;
  const named = (value: unknown, fallback: string) => {
    const name = (value as { name?: unknown } | undefined)?.name;
    return typeof name === 'string' && name !== '' ? `\`${name}\`` : fallback;
  };
  const phases = (data as { phases?: unknown[] })?.phases;
  if (a === 'phases' && typeof b === 'number' && c === undefined) return `phase ${named(phases?.[b], `#${b + 1}`)}`;
  if (a === 'phases' && typeof b === 'number' && c === 'gates' && typeof d === 'number') {
    const phase = phases?.[b] as { gates?: unknown[] } | undefined;
    return `gate ${named(phase?.gates?.[d], `#${d + 1}`)} of phase ${named(phase, `#${b + 1}`)}`;
  }
  if (c !== undefined) return undefined;
  if (a === 'triggers' && typeof b === 'number') {
    return `trigger ${named((data as { triggers?: unknown[] })?.triggers?.[b], `#${b + 1}`)}`;
  }
  if (a === 'surfaces' && b !== undefined) return `surface \`${b}\``;
  if (a === 'inputs' && b !== undefined) return `input \`${b}\``;
  if (a === 'hooks' && typeof b === 'string') return `\`hooks.${b}\``;
  return undefined;
}

function hookOwner(path: readonly Segment[]): string | undefined {
  const [a, b, c] = path;
  if (path.length === 3 && a === 'hooks' && typeof b === 'string' && typeof c === 'number') return `hook #${c + 1} of \`hooks.${b}\``;
  return undefined;
}

export function dotted(path: readonly Segment[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? p : `.${p}`;
  return out;
}

/** "`traffic` in phase `canary-1`", "trigger `x`", "`metadata.name`". */
export function describePath(data: unknown, path: readonly Segment[]): string {
  for (let k = path.length; k >= 0; k--) {
    const prefix = path.slice(0, k);
    const owner = hookOwner(prefix) ?? ownerName(data, prefix);
    if (owner === undefined) continue;
    const rest = path.slice(k);
    if (rest.length === 0) return owner;
    if (k === 0) return `\`${dotted(rest)}\``;
    return `\`${dotted(rest)}\` in ${owner}`;
  }
  return `\`${dotted(path)}\``;
}

/** Where a rule sits: the gate, trigger or health rule that holds it. */
export function describeRuleOwner(data: unknown, rulePath: readonly Segment[]): string {
  if (rulePath[0] === 'health') return `health rule \`${String(rulePath[1])}\``;
  return ownerName(data, rulePath.slice(0, -1)) ?? describePath(data, rulePath);
}
