/** The console's top-level sections, in navigation order. Add a page here to give it a nav entry. */
import type { Role } from '@beckon/protocol/api';
import type { ReactNode } from 'react';
import {
  AnalyticsIcon,
  BroadcastsIcon,
  CampaignsIcon,
  ContactsIcon,
  ConversationsIcon,
  SegmentsIcon,
  SettingsIcon,
  VisitorsIcon,
  WallboardIcon,
} from '../components/icons.tsx';
import { t } from '../i18n/i18n.ts';

export interface NavItem {
  path: string;
  label: string;
  /** What the strip of icons on a phone says instead, where the full label does not fit. */
  short?: string;
  icon: ReactNode;
  /** Who sees the entry; everyone when absent. */
  roles?: readonly Role[];
}

/** Labels are getters: each render reads them in the console's language. */
export const NAV_ITEMS: NavItem[] = [
  {
    path: '/visitors',
    get label() {
      return t('Visitors');
    },
    icon: <VisitorsIcon />,
  },
  {
    path: '/conversations',
    get label() {
      return t('Conversations');
    },
    get short() {
      return t('Chats');
    },
    icon: <ConversationsIcon />,
  },
  {
    path: '/contacts',
    get label() {
      return t('Contacts');
    },
    icon: <ContactsIcon />,
  },
  {
    path: '/campaigns',
    get label() {
      return t('Campaigns');
    },
    icon: <CampaignsIcon />,
  },
  {
    path: '/segments',
    get label() {
      return t('Segments');
    },
    icon: <SegmentsIcon />,
  },
  {
    path: '/broadcasts',
    get label() {
      return t('Broadcasts');
    },
    icon: <BroadcastsIcon />,
  },
  {
    path: '/analytics',
    get label() {
      return t('Analytics');
    },
    icon: <AnalyticsIcon />,
  },
  {
    path: '/wallboard',
    get label() {
      return t('Wallboard');
    },
    icon: <WallboardIcon />,
    roles: ['owner', 'admin'],
  },
  {
    path: '/settings',
    get label() {
      return t('Settings');
    },
    icon: <SettingsIcon />,
  },
];
