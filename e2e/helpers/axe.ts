import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

/** axe-core's browser bundle, evaluated in the page (evaluation is not subject to the console's CSP). */
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** AXE_ALL=1 also reports minor and moderate findings (to look for them; the test stays on serious and critical). */
const ALL_IMPACTS = Boolean(process.env.AXE_ALL);

export interface Finding {
  id: string;
  impact: string;
  targets: string[];
}

/**
 * Runs axe over the page, or over what the expression `within` names (open shadow roots included),
 * and returns the serious and critical findings.
 */
export async function seriousViolations(page: Page, within = 'document'): Promise<Finding[]> {
  if (!(await page.evaluate('typeof window.axe !== "undefined"'))) await page.evaluate(`${AXE};0`);
  const found = await page.evaluate<
    { id: string; impact: string; nodes: { target: unknown[]; html: string }[] }[]
  >(`axe.run(${within}, { resultTypes: ['violations'] }).then((r) => r.violations)`);
  return found
    .filter((v) => ALL_IMPACTS || v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      id: v.id,
      impact: v.impact,
      targets: v.nodes.map((n) => `${JSON.stringify(n.target)} ${n.html.slice(0, 160)}`),
    }));
}

/** One line per finding, with where it was seen. */
export function report(where: string, found: Finding[]): string[] {
  return found.flatMap((f) => f.targets.map((t) => `${where}: ${f.impact} ${f.id} at ${t}`));
}
