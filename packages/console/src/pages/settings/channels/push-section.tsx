/** Push notifications per site: how replies reach an app user who is not connected, and how the last push went. */
import type { Site } from '../../../api/types.ts';
import { EmptyState } from '../../../components/empty-state.tsx';
import { GlobeIcon } from '../../../components/icons.tsx';
import { LoadError } from '../../../components/load-error.tsx';
import { LoadingState } from '../../../components/loading-state.tsx';
import { SectionHeader } from '../../../components/page-header.tsx';
import type { Resource } from '../../../components/use-resource.ts';
import { useT } from '../../../i18n/language-context.tsx';
import { PushCard } from './push-card.tsx';

export function PushSection({ sites }: { sites: Resource<Site[]> }) {
  const t = useT();
  return (
    <section aria-labelledby="push-heading" data-testid="push-settings">
      <SectionHeader
        title={t('Push notifications')}
        id="push-heading"
        description={t(
          'When an agent answers an app user who is not connected, Beckon pushes the reply to their devices through FCM, APNs or your own webhook. Keys and secrets are never shown again once saved.',
        )}
      />
      {sites.loading && !sites.data ? (
        <LoadingState label={t('Loading sites…')} />
      ) : sites.error ? (
        <LoadError error={sites.error} onRetry={sites.reload} />
      ) : sites.data && sites.data.length === 0 ? (
        <EmptyState icon={<GlobeIcon />} title={t('No sites yet')}>
          <p>{t("Push settings belong to a site's app. Create a site under Sites first.")}</p>
        </EmptyState>
      ) : (
        <div className="card-list">
          {sites.data?.map((site) => (
            <PushCard key={site.id} site={site} />
          ))}
        </div>
      )}
    </section>
  );
}
