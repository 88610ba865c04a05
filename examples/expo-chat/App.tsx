// A small shop app with Beckon's drop-in UI: campaigns target its screens, show an invitation or
// an offer over them, and the chat screen opens on "Start chat". See README.md.

import { BeckonUIProvider, ChatScreen, EngagementHost, type PhotoPicker } from '@beckon/react-native';
import { AppTracker, MessagingClient } from '@beckon/sdk';
import AsyncStorage from '@react-native-async-storage/async-storage';
import Constants from 'expo-constants';
import * as ImagePicker from 'expo-image-picker';
import { getLocales } from 'expo-localization';
import { useEffect, useState } from 'react';
import { AppState, Button, Platform, SafeAreaView, Text, View } from 'react-native';

const { beckonUrl, beckonSiteKey } = Constants.expoConfig!.extra as {
  beckonUrl: string;
  beckonSiteKey: string;
};

// One tracker and one messaging client for the whole app; both keep their state in AsyncStorage,
// so events made offline are sent after the next start.
const tracker = new AppTracker({
  baseUrl: beckonUrl,
  siteKey: beckonSiteKey,
  platform: Platform.OS === 'android' ? 'android' : 'ios',
  appVersion: Constants.expoConfig?.version ?? '1.0.0',
  storage: AsyncStorage,
});
const messaging = new MessagingClient({ baseUrl: beckonUrl, siteKey: beckonSiteKey, storage: AsyncStorage });

/** Your server signs the user in: it returns HMAC-SHA256(userId) keyed by the site's identity secret. */
async function signedInUser() {
  const res = await fetch('https://shop.example.com/api/beckon-user', { credentials: 'include' });
  return (await res.json()) as { userId: string; userHash: string; name?: string; email?: string };
}

/** The photo library through expo-image-picker. */
const pickPhoto: PhotoPicker = async () => {
  const result = await ImagePicker.launchImageLibraryAsync({ mediaTypes: ['images'], quality: 0.8 });
  const asset = result.canceled ? null : result.assets[0];
  if (!asset) return null;
  return { uri: asset.uri, name: asset.fileName ?? 'photo.jpg', contentType: asset.mimeType ?? 'image/jpeg' };
};

type Screen = 'Home' | 'Cart' | 'Chat';

export default function App() {
  const [screen, setScreen] = useState<Screen>('Home');
  const [user, setUser] = useState<Awaited<ReturnType<typeof signedInUser>> | null>(null);

  useEffect(() => {
    void signedInUser().then((u) => {
      setUser(u);
      tracker.identify(u);
    });
    const sub = AppState.addEventListener('change', (s) =>
      tracker.appState(s === 'active' ? 'foreground' : 'background'),
    );
    return () => sub.remove();
  }, []);

  // Campaigns read screen.name and screen.section.
  useEffect(
    () => tracker.screen({ name: screen, section: screen === 'Cart' ? 'checkout' : 'catalog' }),
    [screen],
  );

  return (
    <BeckonUIProvider
      language={getLocales()[0]?.languageTag}
      theme={{ colors: { primary: '#0f766e' }, radius: 14 }}
      strings={{ 'Start chat': 'Talk to us' }}
    >
      <SafeAreaView style={{ flex: 1 }}>
        {screen === 'Chat' && user ? (
          <ChatScreen
            client={messaging}
            user={user}
            pickPhoto={pickPhoto}
            onClose={() => setScreen('Cart')}
          />
        ) : (
          <View style={{ flex: 1, padding: 24, gap: 12 }}>
            <Text style={{ fontSize: 22, fontWeight: '700' }}>{screen}</Text>
            <Button title="Go to cart" onPress={() => setScreen('Cart')} />
            <Button
              title="Buy"
              onPress={() => tracker.purchase({ orderId: `o-${Date.now()}`, value: 49, currency: 'EUR' })}
            />
            <Button title="Help" onPress={() => setScreen('Chat')} />
          </View>
        )}
        {screen === 'Chat' ? null : <EngagementHost tracker={tracker} onOpenChat={() => setScreen('Chat')} />}
      </SafeAreaView>
    </BeckonUIProvider>
  );
}
