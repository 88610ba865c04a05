/** The console's top-level sections, in navigation order. Add a page here to give it a nav entry. */
import type { Role } from '@beckon/protocol/api';
import type { ReactNode } from 'react';
import {
  AnalyticsIcon,
  CampaignsIcon,
  ContactsIcon,
  ConversationsIcon,
  SettingsIcon,
  VisitorsIcon,
  WallboardIcon,
} from '../components/icons.tsx';

export interface NavItem {
  path: string;
  label: string;
  /** What the strip of icons on a phone says instead, where the full label does not fit. */
  short?: string;
  icon: ReactNode;
  /** Who sees the entry; everyone when absent. */
  roles?: readonly Role[];
}

export const NAV_ITEMS: NavItem[] = [
  { path: '/visitors', label: 'Visitors', icon: <VisitorsIcon /> },
  { path: '/conversations', label: 'Conversations', short: 'Chats', icon: <ConversationsIcon /> },
  { path: '/contacts', label: 'Contacts', icon: <ContactsIcon /> },
  { path: '/campaigns', label: 'Campaigns', icon: <CampaignsIcon /> },
  { path: '/analytics', label: 'Analytics', icon: <AnalyticsIcon /> },
  { path: '/wallboard', label: 'Wallboard', icon: <WallboardIcon />, roles: ['owner', 'admin'] },
  { path: '/settings', label: 'Settings', icon: <SettingsIcon /> },
];
