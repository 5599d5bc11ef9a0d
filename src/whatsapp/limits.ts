/**
 * Cloud API limits on message content (reference §5). One table, used by the flow linter (so a
 * flow that breaks a limit cannot be activated) and by the simulator (which refuses what Meta
 * would refuse).
 */
export const LIMITS = {
  textBody: 4096,
  interactiveBody: 1024,
  headerText: 60,
  footerText: 60,
  buttons: { max: 3, title: 20, id: 256 },
  list: { button: 20, sections: 10, rows: 10, sectionTitle: 24, rowTitle: 24, rowId: 200, rowDescription: 72 },
  ctaUrl: { displayText: 20 },
  mediaCaption: 1024,
  templateName: 512,
  /** Room for the longest emoji sequences (a kiss with skin tones is 15 UTF-16 units). */
  reactionEmoji: 16,
  bizOpaqueCallbackData: 512,
} as const;
