// The Demo Store as a React Native app, run in a browser through react-native-web: the e2e tests
// drive it (e2e/react-native-app.test.ts). It uses the package as an app would.
import { AppTracker, type IdentifyInput, localStorageAdapter, MessagingClient } from '@beckon/sdk';
import { useEffect, useState } from 'react';
import { AppRegistry, Pressable, StyleSheet, Text, View } from 'react-native';
import { BeckonUIProvider, ChatScreen, EngagementHost } from '../src/index.ts';
import { webPhotoPicker } from './web-photo-picker.ts';

interface DemoConfig {
  baseUrl: string;
  siteKey: string;
  user: IdentifyInput;
  lang?: string;
  theme?: { colors?: Record<string, string> };
}

const config = (globalThis as unknown as { beckonConfig: DemoConfig }).beckonConfig;
const storage = localStorageAdapter();
const tracker = new AppTracker({
  baseUrl: config.baseUrl,
  siteKey: config.siteKey,
  platform: 'ios',
  appVersion: '3.2.0',
  storage,
});
const client = new MessagingClient({ baseUrl: config.baseUrl, siteKey: config.siteKey, storage });
(globalThis as unknown as { beckonApp: unknown }).beckonApp = { tracker, client };

type Screen = 'Home' | 'Cart' | 'Deals' | 'Chat';
const SECTIONS: Record<Screen, string> = {
  Home: 'catalog',
  Cart: 'checkout',
  Deals: 'deals',
  Chat: 'support',
};

function Shop({ screen, go }: { screen: Screen; go(s: Screen): void }) {
  const [ordered, setOrdered] = useState<string | null>(null);
  // Unknown until the queue of an earlier run is loaded: "all sent" before that would be a guess.
  const [pending, setPending] = useState<number | null>(null);
  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setInterval> | undefined;
    void tracker.ready.then(() => {
      if (!live) return;
      setPending(tracker.pending);
      timer = setInterval(() => setPending(tracker.pending), 200);
    });
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, []);
  return (
    <View style={styles.shop}>
      <View style={styles.bar}>
        <Text style={styles.brand}>Demo Store</Text>
        <Text testID="pending" style={styles.pending}>
          {pending === null ? 'loading…' : pending ? `${pending} waiting to send` : 'all sent'}
        </Text>
      </View>
      <View style={styles.tabs}>
        {(['Home', 'Deals', 'Cart'] as const).map((s) => (
          <Pressable
            key={s}
            role="tab"
            aria-selected={screen === s}
            onPress={() => go(s)}
            style={[styles.tab, screen === s && styles.tabOn]}
          >
            <Text style={[styles.tabText, screen === s && styles.tabTextOn]}>{s}</Text>
          </Pressable>
        ))}
      </View>
      <View style={styles.product}>
        <View style={styles.photo} />
        <Text style={styles.name}>Aurora table lamp</Text>
        <Text style={styles.price}>$ 89.00</Text>
        {screen === 'Cart' ? (
          <Pressable
            role="button"
            style={styles.buy}
            onPress={() => {
              const orderId = `app-${Date.now()}`;
              tracker.purchase({ orderId, value: 89, currency: 'USD' });
              setOrdered(orderId);
            }}
          >
            <Text style={styles.buyText}>Place order</Text>
          </Pressable>
        ) : (
          <Pressable
            role="button"
            style={styles.buy}
            onPress={() => {
              tracker.cart(89, [{ sku: 'lamp-aurora', name: 'Aurora table lamp', price: 89, quantity: 1 }]);
              go('Cart');
            }}
          >
            <Text style={styles.buyText}>Add to cart</Text>
          </Pressable>
        )}
        {ordered ? (
          <Text role="status" style={styles.done}>
            Order placed
          </Text>
        ) : null}
      </View>
    </View>
  );
}

function App() {
  const [screen, setScreen] = useState<Screen>('Home');
  useEffect(() => tracker.screen({ name: screen, section: SECTIONS[screen] }), [screen]);
  return (
    <BeckonUIProvider language={config.lang} theme={config.theme}>
      <View style={styles.phone}>
        {screen === 'Chat' ? (
          <ChatScreen
            client={client}
            user={config.user}
            pickPhoto={webPhotoPicker}
            onClose={() => setScreen('Cart')}
          />
        ) : (
          <Shop screen={screen} go={setScreen} />
        )}
        {screen === 'Chat' ? null : (
          <EngagementHost
            tracker={tracker}
            onOpenChat={() => setScreen('Chat')}
            onOpenUrl={() => setScreen('Cart')}
          />
        )}
      </View>
    </BeckonUIProvider>
  );
}

const styles = StyleSheet.create({
  phone: {
    flex: 1,
    maxWidth: 420,
    width: '100%',
    alignSelf: 'center',
    backgroundColor: '#f6f7fb',
    overflow: 'hidden',
  },
  shop: { flex: 1 },
  bar: {
    flexDirection: 'row',
    alignItems: 'center',
    justifyContent: 'space-between',
    padding: 16,
    backgroundColor: '#161a2b',
  },
  brand: { color: '#fff', fontSize: 18, fontWeight: '800' },
  pending: { color: '#b9bfd3', fontSize: 12 },
  tabs: { flexDirection: 'row', backgroundColor: '#fff', borderBottomWidth: 1, borderBottomColor: '#e3e6ef' },
  tab: { flex: 1, alignItems: 'center', paddingVertical: 12 },
  tabOn: { borderBottomWidth: 2, borderBottomColor: '#4f46e5' },
  tabText: { color: '#5d6378', fontWeight: '600' },
  tabTextOn: { color: '#161a2b' },
  product: { margin: 16, padding: 16, borderRadius: 16, backgroundColor: '#fff' },
  photo: { height: 160, borderRadius: 12, backgroundColor: '#f1e7d0' },
  name: { marginTop: 12, fontSize: 17, fontWeight: '700', color: '#161a2b' },
  price: { marginTop: 4, color: '#5d6378' },
  buy: {
    marginTop: 14,
    paddingVertical: 12,
    alignItems: 'center',
    borderRadius: 12,
    backgroundColor: '#161a2b',
  },
  buyText: { color: '#fff', fontWeight: '700' },
  done: { marginTop: 10, color: '#22a45d', fontWeight: '700' },
});

AppRegistry.registerComponent('DemoStore', () => App);
AppRegistry.runApplication('DemoStore', { rootTag: document.getElementById('root') });
