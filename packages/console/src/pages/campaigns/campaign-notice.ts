/** A one-time note the editor leaves for the list ("Created …"), shown once after navigating back. */

export interface CampaignNotice {
  id: string;
  text: string;
}

let pending: CampaignNotice | null = null;

export function setCampaignNotice(notice: CampaignNotice): void {
  pending = notice;
}

/** The pending note, cleared as it is read. */
export function takeCampaignNotice(): CampaignNotice | null {
  const notice = pending;
  pending = null;
  return notice;
}
