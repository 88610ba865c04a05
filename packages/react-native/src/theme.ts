/** The UI's look: colours, fonts and corner radius. Pass a part of it; the rest stays the default. */
export interface BeckonTheme {
  colors: {
    /** Buttons, the user's bubbles, links. */
    primary: string;
    /** Text on `primary`. */
    onPrimary: string;
    /** Behind the thread. */
    background: string;
    /** Cards, the composer, the agent's bubbles. */
    surface: string;
    text: string;
    mutedText: string;
    border: string;
    agentBubble: string;
    agentText: string;
    danger: string;
    /** The rating's stars. */
    star: string;
  };
  fonts: {
    /** Font families (undefined: the platform's). */
    regular?: string;
    bold?: string;
    /** The body text size; headings and captions scale from it. */
    size: number;
  };
  radius: number;
}

export const defaultTheme: BeckonTheme = {
  colors: {
    primary: '#4f46e5',
    onPrimary: '#ffffff',
    background: '#f6f7fb',
    surface: '#ffffff',
    text: '#161a2b',
    mutedText: '#5d6378',
    border: '#e3e6ef',
    agentBubble: '#ffffff',
    agentText: '#161a2b',
    danger: '#c0263a',
    star: '#f5a524',
  },
  fonts: { size: 15 },
  radius: 16,
};

/** A theme part an app passes: any colour, font or the radius. */
export interface ThemeInput {
  colors?: Partial<BeckonTheme['colors']>;
  fonts?: Partial<BeckonTheme['fonts']>;
  radius?: number;
}

/** The default theme with `input`'s parts in place. */
export function makeTheme(input: ThemeInput = {}): BeckonTheme {
  return {
    colors: { ...defaultTheme.colors, ...input.colors },
    fonts: { ...defaultTheme.fonts, ...input.fonts },
    radius: input.radius ?? defaultTheme.radius,
  };
}
