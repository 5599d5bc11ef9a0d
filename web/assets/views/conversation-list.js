/** The conversations list: who, last message, unread count, session status, 24-hour window. */
import { fill, h } from '../dom.js';
import { preview, tick, timeElement } from '../format.js';

export function renderConversationList(root, conversations, { openId, typing, onOpen }) {
  const focusedId = root.contains(document.activeElement) ? document.activeElement.dataset.contactId : undefined;
  const items = conversations.map((conversation) => item(conversation, { open: conversation.contact.id === openId, typing: typing.has(conversation.contact.id), onOpen }));
  fill(
    root,
    h('h2', { id: 'conversations-title' }, 'Conversations'),
    conversations.length === 0
      ? h('p', { class: 'empty' }, 'No conversations yet. They appear here as soon as someone writes.')
      : h('ul', { class: 'conversations' }, items),
  );
  if (focusedId) root.querySelector(`[data-contact-id="${CSS.escape(focusedId)}"]`)?.focus();
}

function item(conversation, { open, typing, onOpen }) {
  const { contact, lastMessage, unread, session } = conversation;
  const windowOpen = isWindowOpen(conversation.window);
  const name = contact.name ?? contact.phone;
  return h(
    'li',
    {},
    h(
      'button',
      {
        type: 'button',
        class: 'conversation',
        'data-contact-id': contact.id,
        'aria-current': open ? 'true' : null,
        onclick: () => onOpen(contact.id),
      },
      h('span', { class: 'conversation-top' },
        h('span', { class: 'name' }, name),
        lastMessage ? timeElement(lastMessage.createdAt) : null,
      ),
      h('span', { class: 'phone' }, contact.name ? contact.phone : ''),
      h('span', { class: 'conversation-preview' },
        lastMessage ? tick(lastMessage) : null,
        h('span', { class: 'last-message' }, typing ? 'typing…' : preview(lastMessage)),
        unread > 0 ? h('span', { class: 'unread', 'aria-label': `${unreadText(unread)} unread` }, unreadText(unread)) : null,
      ),
      h('span', { class: 'chips' },
        session ? h('span', { class: `chip status-${session.status.toLowerCase()}` }, session.status) : null,
        h('span', { class: `chip window-${windowOpen ? 'open' : 'closed'}` }, windowOpen ? '24h open' : '24h closed'),
      ),
    ),
  );
}

/** The server counts at most 100. */
const unreadText = (count) => (count >= 100 ? '99+' : String(count));

export const isWindowOpen = (window) => Boolean(window?.closesAt) && Date.parse(window.closesAt) > Date.now();
