/** The device classes the protocol knows. */
export type DeviceClass = 'desktop' | 'tablet' | 'mobile';

/**
 * Classifies the visitor's device by how it is used rather than by user-agent sniffing: a
 * touch screen as the primary pointer (`(pointer: coarse)`) is a phone when its shorter side is
 * under 600 CSS pixels and a tablet otherwise; anything with a mouse or trackpad is a desktop.
 * This also gets iPadOS right, which reports a desktop Mac user agent.
 */
export function deviceClass(coarsePointer: boolean, shortSide: number): DeviceClass {
  return !coarsePointer ? 'desktop' : shortSide < 600 ? 'mobile' : 'tablet';
}
