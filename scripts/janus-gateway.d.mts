/** A running Janus gateway started by `startJanus` (scripts/janus-gateway.mjs). */
export interface JanusProcess {
  url: string;
  adminUrl: string;
  adminSecret: string;
  dir: string;
  pid: number | undefined;
  log(): string;
  stop(): Promise<void>;
}
export function freePort(): Promise<number>;
export function janusInstalled(): boolean;
export function startJanus(options?: {
  adminSecret?: string;
  localIp?: string;
  debugLevel?: number;
  onLog?: (line: string) => void;
}): Promise<JanusProcess>;
