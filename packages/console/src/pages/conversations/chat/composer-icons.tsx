/** The composer’s own icons (paperclip, saved reply, macro), drawn on the console's icon frame. */
import { Svg } from '../../../components/icons.tsx';

export function PaperclipIcon() {
  return (
    <Svg>
      <path d="m20.5 11.5-8.1 8.1a5 5 0 0 1-7.1-7.1l8.5-8.5a3.3 3.3 0 0 1 4.7 4.7l-8.5 8.5a1.7 1.7 0 0 1-2.4-2.4l7.8-7.8" />
    </Svg>
  );
}

export function CannedIcon() {
  return (
    <Svg>
      <path d="M13 3 5 13.5h6L10 21l8-10.5h-6L13 3Z" />
    </Svg>
  );
}

/** A magic wand: a macro, several actions at once. */
export function MacroIcon() {
  return (
    <Svg>
      <path d="m4 20 10.5-10.5M12.5 7.5l4 4M6.5 3.5v3M5 5h3M18.5 2.5v3M17 4h3M18.5 14.5v3M17 16h3" />
    </Svg>
  );
}
