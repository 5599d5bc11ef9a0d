/**
 * The 24-hour customer service window: free-form messages (an operator's text) reach a contact
 * only within 24 hours of the contact's last message; after that only templates do.
 */
import { SERVICE_WINDOW_MS } from '../flows/constants.js';

export interface ServiceWindow {
  open: boolean;
  /** When it closes (or closed); null when the contact never wrote. */
  closesAt: Date | null;
}

export function serviceWindow(lastInboundAt: Date | null, now: number): ServiceWindow {
  if (lastInboundAt === null) return { open: false, closesAt: null };
  const closesAt = new Date(lastInboundAt.getTime() + SERVICE_WINDOW_MS);
  return { open: closesAt.getTime() > now, closesAt };
}
