/**
 * The part of React Native's API this package uses, typed here so that type-checking needs
 * neither `react-native` (whose install brings native build tools) nor its types. An app that
 * installs `react-native` type-checks against the real ones; this file is not published.
 */
declare module 'react-native' {
  import type { ComponentType, ReactNode, Ref } from 'react';

  type Dimension = number | `${number}%` | 'auto';
  type Color = string;
  export interface ViewStyle {
    [key: string]: unknown;
    flex?: number;
    flexDirection?: 'row' | 'column' | 'row-reverse' | 'column-reverse';
    alignItems?: 'flex-start' | 'flex-end' | 'center' | 'stretch' | 'baseline';
    justifyContent?: 'flex-start' | 'flex-end' | 'center' | 'space-between' | 'space-around';
    width?: Dimension;
    height?: Dimension;
    backgroundColor?: Color;
    direction?: 'inherit' | 'ltr' | 'rtl';
  }
  export interface TextStyle extends ViewStyle {
    color?: Color;
    fontFamily?: string;
    fontSize?: number;
    fontWeight?: 'normal' | 'bold' | '400' | '500' | '600' | '700' | '800';
    lineHeight?: number;
    textAlign?: 'auto' | 'left' | 'right' | 'center';
    writingDirection?: 'auto' | 'ltr' | 'rtl';
  }
  export type ImageStyle = ViewStyle;
  export type StyleProp<T> = T | readonly StyleProp<T>[] | false | null | undefined;

  interface AccessibilityProps {
    role?: string;
    accessibilityRole?: string;
    accessibilityLabel?: string;
    accessibilityState?: { disabled?: boolean; selected?: boolean; checked?: boolean; busy?: boolean };
    accessibilityLiveRegion?: 'none' | 'polite' | 'assertive';
    'aria-label'?: string;
    'aria-live'?: 'off' | 'polite' | 'assertive';
    'aria-hidden'?: boolean;
    'aria-checked'?: boolean;
    'aria-disabled'?: boolean;
    'aria-modal'?: boolean;
    importantForAccessibility?: 'auto' | 'yes' | 'no' | 'no-hide-descendants';
    testID?: string;
    nativeID?: string;
  }
  export interface LayoutEvent {
    nativeEvent: { layout: { x: number; y: number; width: number; height: number } };
  }
  export interface ViewProps extends AccessibilityProps {
    style?: StyleProp<ViewStyle>;
    children?: ReactNode;
    pointerEvents?: 'auto' | 'none' | 'box-none' | 'box-only';
    onLayout?: (e: LayoutEvent) => void;
    /** react-native-web: the element's `dir` and `lang` attributes. */
    dir?: 'ltr' | 'rtl' | 'auto';
    lang?: string;
  }
  export const View: ComponentType<ViewProps & { ref?: Ref<unknown> }>;
  export interface TextProps extends AccessibilityProps {
    style?: StyleProp<TextStyle>;
    children?: ReactNode;
    numberOfLines?: number;
    selectable?: boolean;
    dir?: 'ltr' | 'rtl' | 'auto';
    lang?: string;
  }
  export const Text: ComponentType<TextProps>;
  export interface PressableState {
    pressed: boolean;
    hovered?: boolean;
    focused?: boolean;
  }
  export interface PressableProps extends AccessibilityProps {
    onPress?: () => void;
    disabled?: boolean;
    hitSlop?: number;
    style?: StyleProp<ViewStyle> | ((state: PressableState) => StyleProp<ViewStyle>);
    children?: ReactNode | ((state: PressableState) => ReactNode);
  }
  export const Pressable: ComponentType<PressableProps>;
  export interface TextInputProps extends AccessibilityProps {
    value?: string;
    onChangeText?: (text: string) => void;
    onSubmitEditing?: () => void;
    onKeyPress?: (e: { nativeEvent: { key: string }; preventDefault?: () => void }) => void;
    onBlur?: () => void;
    placeholder?: string;
    placeholderTextColor?: string;
    multiline?: boolean;
    maxLength?: number;
    editable?: boolean;
    blurOnSubmit?: boolean;
    submitBehavior?: 'submit' | 'blurAndSubmit' | 'newline';
    returnKeyType?: 'send' | 'done' | 'default';
    enterKeyHint?: 'send' | 'done' | 'enter';
    style?: StyleProp<TextStyle>;
  }
  export const TextInput: ComponentType<TextInputProps>;
  export interface ImageProps extends AccessibilityProps {
    source: { uri: string } | number;
    style?: StyleProp<ImageStyle>;
    resizeMode?: 'cover' | 'contain' | 'stretch' | 'center';
    alt?: string;
  }
  export const Image: ComponentType<ImageProps>;
  export interface ScrollViewHandle {
    scrollToEnd(options?: { animated?: boolean }): void;
  }
  export interface ScrollViewProps extends ViewProps {
    contentContainerStyle?: StyleProp<ViewStyle>;
    keyboardShouldPersistTaps?: 'always' | 'never' | 'handled';
    onContentSizeChange?: (w: number, h: number) => void;
  }
  export const ScrollView: ComponentType<ScrollViewProps & { ref?: Ref<ScrollViewHandle> }>;
  export const ActivityIndicator: ComponentType<ViewProps & { color?: Color; size?: 'small' | 'large' }>;
  export const KeyboardAvoidingView: ComponentType<
    ViewProps & { behavior?: 'height' | 'position' | 'padding' }
  >;
  export const StyleSheet: {
    create<T extends Record<string, ViewStyle | TextStyle>>(styles: T): T;
    hairlineWidth: number;
  };
  export const Platform: { OS: 'ios' | 'android' | 'web' | 'windows' | 'macos' };
  export const Linking: { openURL(url: string): Promise<unknown> };
  export namespace Animated {
    class Value {
      constructor(value: number);
      interpolate(config: { inputRange: number[]; outputRange: number[] | string[] }): unknown;
    }
    interface CompositeAnimation {
      start(callback?: () => void): void;
      stop(): void;
    }
    const View: ComponentType<ViewProps>;
    function timing(
      value: Value,
      config: { toValue: number; duration: number; delay?: number; useNativeDriver: boolean },
    ): CompositeAnimation;
    function loop(animation: CompositeAnimation): CompositeAnimation;
    function sequence(animations: CompositeAnimation[]): CompositeAnimation;
    function stagger(time: number, animations: CompositeAnimation[]): CompositeAnimation;
  }
  export const AccessibilityInfo: {
    isReduceMotionEnabled(): Promise<boolean>;
    announceForAccessibility(message: string): void;
  };
}

declare module 'react-native' {
  import type { ComponentType } from 'react';
  export const AppRegistry: {
    registerComponent(name: string, get: () => ComponentType): void;
    runApplication(name: string, options: { rootTag: unknown }): void;
  };
}
