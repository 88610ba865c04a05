/** What a canned response's variables are filled from. */
export interface CannedVars {
  visitor?: { name?: string | null; email?: string | null };
  agent?: { name?: string | null };
}

/** How a greeting reads when the visitor gave no name ("Hi {visitor.name}" → "Hi there"). */
export const NO_VISITOR_NAME = 'there';

const VARIABLE = /\{\s*([A-Za-z]+)\.([A-Za-z]+)\s*\}/g;

const present = (v: string | null | undefined): string | undefined => {
  const t = v?.trim();
  return t ? t : undefined;
};

/**
 * Fills `{visitor.name}`, `{visitor.email}`, `{agent.name}` and `{agent.firstName}` in a canned
 * response, so the agent sees (and may edit) the final text before sending. A missing visitor name
 * becomes "there"; any other variable without a value, and every unknown variable, stays as written
 * so the agent notices it. Pure: the console and the tests use the same function.
 */
export function expandCannedText(text: string, vars: CannedVars): string {
  return text.replace(VARIABLE, (whole, scope: string, name: string) => {
    const key = `${scope.toLowerCase()}.${name.toLowerCase()}`;
    switch (key) {
      case 'visitor.name':
        return present(vars.visitor?.name) ?? NO_VISITOR_NAME;
      case 'visitor.email':
        return present(vars.visitor?.email) ?? whole;
      case 'agent.name':
        return present(vars.agent?.name) ?? whole;
      case 'agent.firstname':
        return present(vars.agent?.name)?.split(/\s+/)[0] ?? whole;
      default:
        return whole;
    }
  });
}
