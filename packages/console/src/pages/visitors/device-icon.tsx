/** Small device glyphs for the visitor list (desktop, tablet, mobile, other), with a text label for screen readers. */
import { useT } from '../../i18n/language-context.tsx';
import { DEVICE_LABELS } from './visitor-format.ts';

export function DeviceIcon({ device }: { device: string }) {
  useT();
  const label = DEVICE_LABELS[device] ?? DEVICE_LABELS.other!;
  return (
    <span className="device" title={label}>
      <svg
        className="icon device-icon"
        viewBox="0 0 24 24"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.8"
        strokeLinecap="round"
        strokeLinejoin="round"
        aria-hidden="true"
        focusable="false"
      >
        {device === 'desktop' ? (
          <>
            <rect x="3" y="4" width="18" height="12" rx="1.5" />
            <path d="M8.5 20h7M12 16v4" />
          </>
        ) : device === 'tablet' ? (
          <>
            <rect x="5" y="3" width="14" height="18" rx="2" />
            <path d="M11 17.5h2" />
          </>
        ) : device === 'mobile' ? (
          <>
            <rect x="7.5" y="3" width="9" height="18" rx="2" />
            <path d="M11 17.5h2" />
          </>
        ) : (
          <>
            <circle cx="12" cy="12" r="8.5" />
            <path d="M9.5 10a2.5 2.5 0 1 1 3.3 2.4c-.5.2-.8.6-.8 1.1v.5M12 16.8h0" />
          </>
        )}
      </svg>
      <span className="visually-hidden">{label}</span>
    </span>
  );
}
