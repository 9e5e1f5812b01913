/**
 * Placeholders in a metric's query or URL: `{{rollout.name}}`, `{{phase.name}}`, `{{phase.index}}`,
 * `{{phase.traffic}}` (spaces inside the braces allowed). Names are limited by the spec schema to
 * letters, digits, `-`, `_` and `.`, and traffic is a number, so a substituted value can never
 * break out of a PromQL string or a URL: nothing needs escaping.
 */

export const TEMPLATE_NAMES = ['rollout.name', 'phase.name', 'phase.index', 'phase.traffic'] as const;
export type TemplateName = (typeof TEMPLATE_NAMES)[number];
export type TemplateValues = Record<TemplateName, string>;

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** Every placeholder in `text` with its offset, known or not (validate reports the unknown ones). */
export function placeholders(text: string): { name: string; offset: number }[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => ({ name: m[1]!, offset: m.index! }));
}

export function isTemplateName(name: string): name is TemplateName {
  return (TEMPLATE_NAMES as readonly string[]).includes(name);
}

/** The text with every placeholder replaced; a name validate would have refused throws (a bug). */
export function renderTemplate(text: string, values: TemplateValues): string {
  return text.replace(PLACEHOLDER, (_, name: string) => {
    if (!isTemplateName(name)) throw new Error(`unknown placeholder {{${name}}} (validate refuses it)`);
    return values[name];
  });
}

/** The values at a check: the rollout and the phase it is in before the check. */
export function templateValues(rollout: string, phase: { name: string; index: number; traffic: number }): TemplateValues {
  return { 'rollout.name': rollout, 'phase.name': phase.name, 'phase.index': String(phase.index), 'phase.traffic': String(phase.traffic) };
}
