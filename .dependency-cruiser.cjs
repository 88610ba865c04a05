// The server's and core's import rules (docs/architecture.md, "Layers"). `npm run imports` checks
// them, inside `npm run check` and so inside `npm test`; any violation fails.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circle-across-folders',
      comment:
        'An import circle that leaves a folder ties two layers together: move the shared part down a floor. Circles inside one folder (a schema and its parts) are allowed.',
      severity: 'error',
      from: { path: '^(packages/(?:server|core)/src.*)/[^/]+$' },
      to: { circular: true, via: { pathNot: '^$1/[^/]+$' } },
    },
    {
      name: 'no-import-from-http',
      comment:
        'http/ is the top floor: it imports features, never the other way round. A feature that needs a route exposes a plugin from its own folder.',
      severity: 'error',
      from: {
        path: '^packages/server/src/',
        pathNot: '^packages/server/src/(http/|node\\.ts$|features\\.ts$)',
      },
      to: { path: '^packages/server/src/http/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|test)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
