import { Text, View } from 'react-native';

/**
 * Icons drawn with views, so the package needs no SVG or icon-font library: a send arrow, a photo
 * and a cross. `flip` mirrors the arrow for right-to-left text.
 */
export function SendIcon({ color, flip }: { color: string; flip?: boolean }) {
  return (
    <View
      aria-hidden
      style={{
        width: 0,
        height: 0,
        borderTopWidth: 7,
        borderBottomWidth: 7,
        borderLeftWidth: 12,
        borderTopColor: 'transparent',
        borderBottomColor: 'transparent',
        borderLeftColor: color,
        marginLeft: 3,
        transform: flip ? [{ scaleX: -1 }] : [],
      }}
    />
  );
}

export function PhotoIcon({ color }: { color: string }) {
  return (
    <View
      aria-hidden
      style={{
        width: 22,
        height: 18,
        borderWidth: 2,
        borderColor: color,
        borderRadius: 4,
        overflow: 'hidden',
      }}
    >
      <View
        style={{
          position: 'absolute',
          top: 3,
          right: 3,
          width: 4,
          height: 4,
          borderRadius: 2,
          backgroundColor: color,
        }}
      />
      <View
        style={{
          position: 'absolute',
          bottom: -1,
          left: 1,
          width: 0,
          height: 0,
          borderLeftWidth: 6,
          borderRightWidth: 6,
          borderBottomWidth: 8,
          borderLeftColor: 'transparent',
          borderRightColor: 'transparent',
          borderBottomColor: color,
        }}
      />
    </View>
  );
}

export function CloseIcon({ color, size = 14 }: { color: string; size?: number }) {
  const bar = {
    position: 'absolute',
    top: size / 2 - 1,
    left: 0,
    width: size,
    height: 2,
    borderRadius: 1,
    backgroundColor: color,
  } as const;
  return (
    <View aria-hidden style={{ width: size, height: size }}>
      <View style={{ ...bar, transform: [{ rotate: '45deg' }] }} />
      <View style={{ ...bar, transform: [{ rotate: '-45deg' }] }} />
    </View>
  );
}

/** A round badge with a person's initials (or a speech bubble's dots when there is no name). */
export function Avatar({
  name,
  color,
  background,
}: {
  name?: string | null;
  color: string;
  background: string;
}) {
  const initials = (name ?? '')
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => w[0]!.toUpperCase())
    .join('');
  return (
    <View
      aria-hidden
      style={{
        width: 36,
        height: 36,
        borderRadius: 18,
        backgroundColor: background,
        alignItems: 'center',
        justifyContent: 'center',
        flexDirection: 'row',
      }}
    >
      {initials ? (
        <Text style={{ color, fontSize: 14, fontWeight: '700' }}>{initials}</Text>
      ) : (
        [0, 1, 2].map((i) => (
          <View
            key={i}
            style={{ width: 5, height: 5, borderRadius: 3, marginHorizontal: 1.5, backgroundColor: color }}
          />
        ))
      )}
    </View>
  );
}
