/** Settings › Sites: every site of the account, with its tag snippet; owners and admins can change them. */
import { useEffect, useState } from 'react';
import { deleteSite, listSites } from '../../../api/sites.ts';
import type { Site } from '../../../api/types.ts';
import { ConfirmDialog } from '../../../components/confirm-dialog.tsx';
import { EmptyState } from '../../../components/empty-state.tsx';
import { GlobeIcon, PlusIcon } from '../../../components/icons.tsx';
import { LoadError } from '../../../components/load-error.tsx';
import { LoadingState } from '../../../components/loading-state.tsx';
import { SectionHeader } from '../../../components/page-header.tsx';
import { useResource } from '../../../components/use-resource.ts';
import { useT } from '../../../i18n/language-context.tsx';
import { canManage, useSession } from '../../../session/session-context.tsx';
import { SiteCard } from './site-card.tsx';
import { SiteFormDialog } from './site-form-dialog.tsx';

type Editing = { kind: 'create' } | { kind: 'edit'; site: Site } | { kind: 'delete'; site: Site } | null;

export function SitesTab() {
  const t = useT();
  const { user } = useSession();
  const manager = canManage(user.role);
  const sites = useResource(listSites);
  const [editing, setEditing] = useState<Editing>(null);
  const [highlightId, setHighlightId] = useState<string | null>(null);

  useEffect(() => {
    if (!highlightId) return;
    document.getElementById(`site-${highlightId}`)?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
    const timer = window.setTimeout(() => setHighlightId(null), 2400);
    return () => window.clearTimeout(timer);
  }, [highlightId]);

  function saved(site: Site) {
    sites.update((list) =>
      list.some((item) => item.id === site.id)
        ? list.map((item) => (item.id === site.id ? site : item))
        : [...list, site],
    );
    setHighlightId(site.id);
    setEditing(null);
  }

  const newSiteButton = manager && (
    <button type="button" className="button button-primary" onClick={() => setEditing({ kind: 'create' })}>
      <PlusIcon />
      {t('New site')}
    </button>
  );

  return (
    <section aria-labelledby="sites-heading">
      <SectionHeader
        title={t('Sites')}
        id="sites-heading"
        description={t(
          "Each website or app that carries your tag. Visits are only accepted from a site's allowed origins.",
        )}
        actions={sites.data && sites.data.length > 0 ? newSiteButton : null}
      />

      {sites.loading && !sites.data ? (
        <LoadingState label={t('Loading sites…')} />
      ) : sites.error ? (
        <LoadError error={sites.error} onRetry={sites.reload} />
      ) : sites.data && sites.data.length === 0 ? (
        <EmptyState
          icon={<GlobeIcon />}
          title={t('No sites yet')}
          testId="sites-empty"
          actions={newSiteButton}
        >
          <p>
            {t(
              'Create a site for each website or app you want to engage visitors on. You will get a one-line tag to paste into its pages; visitors show up under Visitors as soon as it is live.',
            )}
          </p>
        </EmptyState>
      ) : (
        <div className="card-list" data-testid="site-list">
          {sites.data?.map((site) => (
            <SiteCard
              key={site.id}
              site={site}
              canEdit={manager}
              highlighted={site.id === highlightId}
              onEdit={() => setEditing({ kind: 'edit', site })}
              onDelete={() => setEditing({ kind: 'delete', site })}
            />
          ))}
        </div>
      )}

      {(editing?.kind === 'create' || editing?.kind === 'edit') && (
        <SiteFormDialog
          site={editing.kind === 'edit' ? editing.site : undefined}
          onSaved={saved}
          onClose={() => setEditing(null)}
        />
      )}
      {editing?.kind === 'delete' && (
        <ConfirmDialog
          title={t('Delete {name}?', { name: editing.site.name })}
          confirmLabel={t('Delete site')}
          onClose={() => setEditing(null)}
          onConfirm={async () => {
            await deleteSite(editing.site.id);
            sites.update((list) => list.filter((item) => item.id !== editing.site.id));
          }}
        >
          <p>
            {t(
              'Its tag stops working at once: pages that still carry it will no longer send visits or show engagements. This cannot be undone.',
            )}
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
