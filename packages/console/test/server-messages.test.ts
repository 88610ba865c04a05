import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import ts from 'typescript';
import { asSentence, readableMessage } from '../src/api/http.ts';
import { applyMessages } from '../src/i18n/i18n.ts';
import { EXACT, SHAPED, serverMessage } from '../src/i18n/server-messages.ts';

const serverDir = new URL('../../server/src/', import.meta.url).pathname;
const de = JSON.parse(readFileSync(new URL('../src/i18n/packs/de.json', import.meta.url), 'utf8'));

const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : /(?<!\.test)\.ts$/.test(e.name) ? [join(dir, e.name)] : [],
  );

/** The helpers of `errors.ts`, and what each says when called without a message. */
const HELPERS: Record<string, string | null> = {
  badRequest: null,
  conflict: null,
  forbidden: 'you are not allowed to do this',
  unauthorized: 'sign in first',
  notFound: 'resource not found',
};

/** A message's text with `{}` for each value put into it, or null when it is not written out here. */
function shapeOf(node: ts.Expression): string | null {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node))
    return node.head.text + node.templateSpans.map((s) => `{}${s.literal.text}`).join('');
  if (ts.isParenthesizedExpression(node)) return shapeOf(node.expression);
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const left = shapeOf(node.left);
    const right = shapeOf(node.right);
    return left !== null && right !== null ? left + right : null;
  }
  return null;
}

/**
 * Every message the server's source writes out for an error (`new AppError(status, code, '…')`,
 * `badRequest('…')`, `notFound('thing')`…). A message made only of values and paths (`${path}:
 * ${why}`) has fewer than two words of its own and is left out: there is nothing to translate.
 */
/** Whether the class around `node` extends AppError. */
function extendsAppError(node: ts.Node): boolean {
  let at: ts.Node | undefined = node;
  while (at && !ts.isClassDeclaration(at)) at = at.parent;
  return (
    at?.heritageClauses?.some((h) => h.types.some((t) => t.expression.getText() === 'AppError')) ?? false
  );
}

function serverMessages(): Map<string, string> {
  const found = new Map<string, string>();
  const add = (shape: string | null, file: string) => {
    if (shape === null) return;
    const words = shape.replace(/\{\}/g, ' ').match(/[A-Za-z]{2,}/g) ?? [];
    if (words.length >= 2 && !found.has(shape)) found.set(shape, file);
  };
  for (const file of sources(serverDir)) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node) => {
      const name = (ts.isNewExpression(node) || ts.isCallExpression(node)) && node.expression.getText(source);
      const args = (node as ts.CallExpression).arguments ?? [];
      if (ts.isNewExpression(node) && name === 'AppError' && args[2]) add(shapeOf(args[2]), file);
      // An error class of its own (`class StaleConversation extends AppError`) passes its message up.
      if (ts.isCallExpression(node) && name === 'super' && args[2] && extendsAppError(node))
        add(shapeOf(args[2]), file);
      if (ts.isCallExpression(node) && typeof name === 'string' && name in HELPERS) {
        if (!args[0]) add(HELPERS[name]!, file);
        else if (name === 'notFound') add(`${shapeOf(args[0]) ?? '{}'} not found`, file);
        else add(shapeOf(args[0]), file);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

/** The shape with its values filled in: `value1`, `value2`… */
const filled = (shape: string) => {
  let i = 0;
  return shape.replace(/\{\}/g, () => `value${++i}`);
};

describe('the server’s error messages in the console', () => {
  const messages = serverMessages();
  const known = new Set([...Object.keys(EXACT), ...Object.keys(SHAPED)]);
  after(() => applyMessages('en', 'en', {}));

  it('are all listed, so each can be translated', () => {
    assert.ok(messages.size > 200, `only ${messages.size} messages found in the server's source`);
    const missing = [...messages]
      .filter(([m]) => !known.has(m))
      .map(([m, f]) => `${f.slice(serverDir.length)}: ${m}`);
    assert.deepEqual(missing, [], 'add these to src/i18n/server-messages.ts and to each pack');
  });

  it('lists none the server no longer sends', () => {
    assert.deepEqual(
      [...known].filter((m) => !messages.has(m)),
      [],
    );
  });

  it('read in English exactly as the server’s text put as a sentence', () => {
    applyMessages('en', 'en', {});
    for (const m of Object.keys(EXACT)) assert.equal(serverMessage(m), asSentence(m));
    // A value the message starts with keeps its own case (an e-mail address, a name).
    const sentence = (text: string) =>
      text.startsWith('value') ? `v${asSentence(text).slice(1)}` : asSentence(text);
    for (const m of Object.keys(SHAPED)) assert.equal(serverMessage(filled(m)), sentence(filled(m)), m);
  });

  it('read in the user’s language, with the values as the server sent them', () => {
    applyMessages('de', 'de-DE', de);
    assert.equal(
      readableMessage('the verify token does not match'),
      'Das Verify-Token stimmt nicht überein.',
    );
    assert.equal(
      readableMessage('a skill named "Sales" already exists'),
      'Ein Skill namens "Sales" existiert bereits.',
    );
    assert.equal(readableMessage('channel not found'), 'Kanal nicht gefunden.');
    // A value at the start keeps its case: an e-mail address is not capitalised.
    assert.equal(
      readableMessage('ann@example.com already reaches another site'),
      'ann@example.com ist bereits einer anderen Website zugeordnet.',
    );
    // A message the table does not know is shown as it came, as a sentence.
    assert.equal(
      readableMessage('body/name must NOT have fewer than 1 characters'),
      'Body/name must NOT have fewer than 1 characters.',
    );
  });
});
