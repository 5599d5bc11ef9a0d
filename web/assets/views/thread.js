/**
 * The open conversation: header (who, session and flow, 24-hour window, takeover actions), the
 * messages as bubbles with delivery ticks, the bot's typing indicator and the reply box.
 */
import { fill, h } from '../dom.js';
import { dayAndTime, isForward, messageBody, tick, timeElement } from '../format.js';
import { isWindowOpen } from './conversation-list.js';

const LIVE = ['Active', 'Paused', 'Handoff'];

export function createThread({ root, onBack, act }) {
  const messages = new Map();
  const bubbles = new Map();
  let shownId = null;
  let busy = false;

  const header = h('header', { class: 'thread-header' });
  const list = h('ol', { class: 'messages' });
  const log = h('div', { class: 'message-log', role: 'log', 'aria-label': 'Messages', tabindex: '0' }, list);
  const typingLine = h('p', { class: 'typing', 'aria-live': 'polite' });
  const text = h('textarea', { id: 'reply-text', name: 'text', rows: '2', maxlength: '4096', 'aria-describedby': 'composer-hint', placeholder: 'Type a reply' });
  const sendButton = h('button', { type: 'submit', class: 'primary' }, 'Send');
  const hint = h('p', { class: 'hint', id: 'composer-hint' });
  const error = h('p', { class: 'form-error', role: 'alert' });
  const composer = h(
    'form',
    { class: 'composer', 'aria-label': 'Reply', onsubmit: (event) => send(event) },
    h('label', { for: 'reply-text', class: 'visually-hidden' }, 'Reply'),
    text,
    sendButton,
    hint,
  );
  text.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey) send(event);
  });

  async function run(work) {
    busy = true;
    error.textContent = '';
    try {
      await work();
    } catch (failure) {
      error.textContent = failure.message;
    } finally {
      busy = false;
    }
  }

  function send(event) {
    event.preventDefault();
    const body = text.value.trim();
    if (!body || busy || sendButton.disabled) return;
    void run(async () => {
      await act('messages', { text: body });
      text.value = '';
    });
  }

  function bubble(message) {
    return h(
      'li',
      { class: `bubble ${message.direction}${message.direction === 'outbound' && !message.sessionId ? ' operator' : ''}`, 'data-message-id': message.id },
      h('span', { class: 'visually-hidden' }, message.direction === 'inbound' ? 'Contact: ' : message.sessionId ? 'Bot: ' : 'Operator: '),
      messageBody(message),
      h('span', { class: 'meta' }, timeElement(message.createdAt), tick(message)),
      message.status === 'Failed' && message.error ? h('p', { class: 'failure' }, `Not delivered: ${message.error}`) : null,
    );
  }

  function place(message) {
    const next = bubble(message);
    const existing = bubbles.get(message.id);
    bubbles.set(message.id, next);
    if (existing) {
      // A tick arriving must not close a list the operator has opened.
      if (existing.querySelector('details[open]')) next.querySelector('details')?.setAttribute('open', '');
      return existing.replaceWith(next);
    }
    const at = Date.parse(message.createdAt);
    let after = null;
    for (const other of messages.values()) {
      const otherAt = Date.parse(other.createdAt);
      if (otherAt > at && (after === null || otherAt < Date.parse(after.createdAt))) after = other;
    }
    const stick = log.scrollHeight - log.scrollTop - log.clientHeight < 80;
    list.insertBefore(next, after ? bubbles.get(after.id) : null);
    if (stick || message.direction === 'outbound') log.scrollTop = log.scrollHeight;
  }

  function actions(session) {
    if (!session) return [];
    if (session.status === 'Handoff') {
      return [
        h('button', { type: 'button', class: 'primary', onclick: () => run(() => act('release', { mode: 'resume' })) }, 'Release to bot'),
        h('button', { type: 'button', onclick: () => run(() => act('release', { mode: 'end' })) }, 'End session'),
      ];
    }
    return [h('button', { type: 'button', class: 'primary', onclick: () => run(() => act('takeover')) }, 'Take over')];
  }

  function renderHeader(conversation) {
    const { contact, session } = conversation;
    const windowOpen = isWindowOpen(conversation.window);
    fill(
      header,
      h('button', { type: 'button', class: 'back', onclick: onBack }, h('span', { 'aria-hidden': 'true' }, '← '), 'Conversations'),
      h('div', { class: 'who' }, h('h2', {}, contact.name ?? contact.phone), contact.name ? h('p', { class: 'phone' }, contact.phone) : null),
      h(
        'dl',
        { class: 'facts' },
        h('div', {}, h('dt', {}, 'Session'), h('dd', { class: 'session-status' }, session ? session.status : 'none')),
        session ? h('div', {}, h('dt', {}, 'Flow'), h('dd', {}, session.flowName, session.currentNodeId ? ` · ${session.currentNodeId}` : '')) : null,
        h(
          'div',
          {},
          h('dt', {}, '24-hour window'),
          h('dd', { class: windowOpen ? 'window-open' : 'window-closed' }, windowOpen ? `open until ${dayAndTime(conversation.window.closesAt)}` : 'closed'),
        ),
      ),
      h('div', { class: 'actions' }, actions(session)),
      error,
    );
  }

  function renderComposer(conversation) {
    const { session } = conversation;
    const botRunning = session && LIVE.includes(session.status) && session.status !== 'Handoff';
    const windowOpen = isWindowOpen(conversation.window);
    const blocked = !windowOpen
      ? 'The 24-hour window is closed: WhatsApp accepts only template messages until the contact writes again.'
      : botRunning
        ? 'The bot is running this conversation. Take over to reply.'
        : '';
    sendButton.disabled = blocked !== '';
    text.disabled = blocked !== '';
    hint.textContent = blocked;
  }

  return {
    setMessages(rows) {
      messages.clear();
      bubbles.clear();
      list.replaceChildren();
      for (const message of rows) {
        messages.set(message.id, message);
        place(message);
      }
      log.scrollTop = log.scrollHeight;
    },
    upsert(message) {
      const known = messages.get(message.id);
      const merged = known && !isForward(known.status, message.status) ? { ...message, status: known.status, error: known.error } : message;
      messages.set(message.id, merged);
      place(merged);
    },
    status(change) {
      const known = messages.get(change.messageId);
      if (!known || !isForward(known.status, change.status)) return;
      const updated = { ...known, status: change.status, error: change.error ?? null, waMessageId: change.waMessageId ?? known.waMessageId };
      messages.set(known.id, updated);
      place(updated);
    },
    render(conversation, typing) {
      if (!conversation) {
        shownId = null;
        fill(root, h('p', { class: 'empty' }, 'Choose a conversation.'));
        return;
      }
      if (conversation.contact.id !== shownId) {
        shownId = conversation.contact.id;
        messages.clear();
        bubbles.clear();
        list.replaceChildren();
        error.textContent = '';
        fill(root, header, log, typingLine, composer);
      }
      renderHeader(conversation);
      renderComposer(conversation);
      typingLine.textContent = typing ? 'The bot is typing…' : '';
    },
  };
}
