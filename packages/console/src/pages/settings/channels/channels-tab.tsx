/** Settings › Channels: connected providers (WhatsApp, Telegram), e-mail addresses and inbound mail, routing per channel, and push for each site's app. */
import { listSites } from '../../../api/sites.ts';
import { listSkills } from '../../../api/skills.ts';
import { useResource } from '../../../components/use-resource.ts';
import { ConnectionsSection } from './connections-section.tsx';
import { EmailSection } from './email-section.tsx';
import { PushSection } from './push-section.tsx';
import { RoutingSection } from './routing-section.tsx';
import './channels.css';

export function ChannelsTab() {
  // Both sections name sites; one request serves them.
  const sites = useResource(listSites);
  const skills = useResource(listSkills);
  return (
    <div className="channel-sections">
      <ConnectionsSection skills={skills} />
      <EmailSection sites={sites} />
      <RoutingSection skills={skills} />
      <PushSection sites={sites} />
    </div>
  );
}
