/** socket.io room names: one per conversation (the seed's) and one per user (list-level updates). */
export const conversationRoom = (contactId: string): string => `conversation:${contactId}`;

export const userRoom = (userId: string): string => `user:${userId}`;
