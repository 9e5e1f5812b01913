/**
 * Why reading `field.window` of a surface whose event windows are partly unknown cannot be
 * trusted, or null. One rule for gates and triggers (`surface.<field>…`) and for a spec's
 * health rules (paths relative to the surface), so neither can read around it.
 */
export function unknownRead(unknown: ReadonlyMap<string, string>, field: string | undefined, window: string | undefined): string | null {
  if (unknown.size === 0) return null;
  const windowOf = (w: string, label: string) => (unknown.has(w) ? `${label} is unknown: ${unknown.get(w)}` : null);
  // `field` undefined or '': the rule reads the whole surface.
  if (field === undefined || field === '' || ((field === 'events' || field === 'cycles') && window === undefined)) {
    const [w, why] = [...unknown][0]!;
    return `its event windows are unknown (${w}: ${why})`;
  }
  if (field === 'events' || field === 'cycles') return unknown.has(window!) ? windowOf(window!, `${field}.${window}`) : null;
  // The last valid report may be older than an unreadable line after it; the count of invalid lines may miss lost ones.
  if (field === 'last_reason_codes') return windowOf('phase', 'last_reason_codes (the phase has unreadable or lost lines)');
  if (field === 'invalid_lines') return windowOf('total', 'invalid_lines');
  return null;
}
