/** Hooks: exactly one of `run`/`webhook`, an argv that is not a shell line, an http(s) URL, a sane timeout. */
import { parseDuration } from '../../time/duration.js';
import { asArray, asRecord, isRecord, type Reporter, type Segment } from './reporter.js';

/** A hook that needs longer should hand off to a job and return. */
const MAX_HOOK_TIMEOUT_MS = 10 * 60_000;

export function lintHooks(report: Reporter): void {
  const hooks = asRecord(report.data.hooks);
  for (const [event, list] of Object.entries(hooks)) {
    asArray(list).forEach((hook, i) => {
      if (!isRecord(hook)) return;
      const at: Segment[] = ['hooks', event, i];
      const label = `hook #${i + 1} of \`hooks.${event}\``;
      const hasRun = hook.run !== undefined;
      const hasWebhook = hook.webhook !== undefined;
      if (hasRun === hasWebhook) {
        report.error('bad-hook', `${label} needs exactly one of \`run\` (an argv list) or \`webhook\` (a URL)${hasRun ? ', not both' : ''}`, at);
      }
      if (Array.isArray(hook.run)) checkArgv(hook.run, [...at, 'run'], label, report);
      if (typeof hook.webhook === 'string') checkUrl(hook.webhook, [...at, 'webhook'], label, report);
      if (hasRun && hook.headers !== undefined) report.warning('unused-key', `${label} is a \`run\` hook, so \`headers\` is ignored`, [...at, 'headers'], 'key');
      if (hasWebhook && hook.env !== undefined) report.warning('unused-key', `${label} is a \`webhook\`, so \`env\` is ignored`, [...at, 'env'], 'key');
      const timeout = parseDuration(hook.timeout);
      if (hook.timeout !== undefined && timeout !== null && (timeout === 0 || timeout > MAX_HOOK_TIMEOUT_MS)) {
        report.error('bad-timeout', `${label} has timeout \`${String(hook.timeout)}\`; give it more than 0 and at most 10m`, [...at, 'timeout']);
      }
    });
  }
}

function checkArgv(argv: unknown[], at: Segment[], label: string, report: Reporter): void {
  const program = argv[0];
  if (typeof program === 'string' && program.trim() === '') {
    report.error('bad-hook', `${label} runs an empty program name; put the program first in \`run\``, [...at, 0]);
  } else if (typeof program === 'string' && argv.length === 1 && /\s/.test(program.trim())) {
    report.warning('shell-line', `${label} runs \`${program}\` as one program name; hooks never go through a shell, so split it into a list: [ ${program.trim().split(/\s+/).map((w) => JSON.stringify(w)).join(', ')} ]`, [...at, 0]);
  }
}

function checkUrl(url: string, at: Segment[], label: string, report: Reporter): void {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    report.error('bad-hook', `${label} has webhook \`${url}\`, which is not a URL; write it like \`https://deploy.example.com/hooks/rollback\``, at);
    return;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    report.error('bad-hook', `${label} has webhook \`${url}\`; only http and https URLs are supported`, at);
  }
}
