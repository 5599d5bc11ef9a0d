/**
 * The open conversation: header (who, session and flow, 24-hour window, takeover actions), the
 * messages as bubbles with delivery ticks, the bot's typing indicator and the reply box.
 */
import { fill, h } from '../dom.js';
import { dayAndTime, isForward, messageBody, tick, timeElement } from '../format.js';
import { isWindowOpen } from './conversation-list.js';

const LIVE = ['Active', 'Paused', 'Handoff'];

/** act(contactId, path, body): an operator action on that conversation; rejects with the reason it failed. */
export function createThread({ root, onBack, act }) {
  const messages = new Map();
  const bubbles = new Map();
  /** Statuses of messages not shown yet (the history was still loading): applied when they come. */
  const earlyStatuses = new Map();
  /** What belongs to each conversation, kept while another is shown: the draft, a request running, its failure. */
  const local = new Map();
  let shown = null;

  const localOf = (contactId) => {
    if (!local.has(contactId)) local.set(contactId, { draft: '', busy: false, error: '' });
    return local.get(contactId);
  };

  // Built once and updated in place, so focus stays on them while events redraw the header.
  const heading = h('h2', { tabindex: '-1' });
  const phone = h('p', { class: 'phone' });
  const facts = h('dl', { class: 'facts' });
  const takeOverButton = h('button', { type: 'button', class: 'primary', onclick: () => perform('takeover') }, 'Take over');
  const releaseButton = h('button', { type: 'button', class: 'primary', onclick: () => perform('release', { mode: 'resume' }) }, 'Release to bot');
  const endButton = h('button', { type: 'button', onclick: () => perform('release', { mode: 'end' }) }, 'End session');
  const error = h('p', { class: 'form-error', role: 'alert' });
  const header = h(
    'header',
    { class: 'thread-header' },
    h('button', { type: 'button', class: 'back', onclick: onBack }, h('span', { 'aria-hidden': 'true' }, '← '), 'Conversations'),
    h('div', { class: 'who' }, heading, phone),
    facts,
    h('div', { class: 'actions' }, takeOverButton, releaseButton, endButton),
    error,
  );
  const list = h('ol', { class: 'messages' });
  const log = h('div', { class: 'message-log', role: 'log', 'aria-label': 'Messages', tabindex: '0' }, list);
  const typingLine = h('p', { class: 'typing', 'aria-live': 'polite' });
  const text = h('textarea', { id: 'reply-text', name: 'text', rows: '2', maxlength: '4096', 'aria-describedby': 'composer-hint', placeholder: 'Type a reply' });
  const sendButton = h('button', { type: 'submit', class: 'primary' }, 'Send');
  const hint = h('p', { class: 'hint', id: 'composer-hint' });
  const composer = h(
    'form',
    { class: 'composer', 'aria-label': 'Reply', onsubmit: (event) => send(event) },
    h('label', { for: 'reply-text', class: 'visually-hidden' }, 'Reply'),
    text,
    sendButton,
    hint,
  );
  text.addEventListener('keydown', (event) => {
    // Enter also confirms an input method's composition (Safari reports it as keyCode 229).
    const composing = event.isComposing || event.keyCode === 229;
    if (event.key === 'Enter' && !event.shiftKey && !composing) send(event);
  });
  text.addEventListener('input', () => (localOf(shown.contact.id).draft = text.value));

  /** Runs an action on the shown conversation, one at a time; resolves whether it succeeded. */
  async function perform(path, body) {
    const contactId = shown.contact.id;
    const state = localOf(contactId);
    if (state.busy) return false;
    state.busy = true;
    state.error = '';
    redraw();
    try {
      await act(contactId, path, body);
      return true;
    } catch (failure) {
      state.error = failure.message;
      return false;
    } finally {
      state.busy = false;
      redraw();
    }
  }

  async function send(event) {
    event.preventDefault();
    const body = text.value.trim();
    if (!body || sendButton.disabled) return;
    const contactId = shown.contact.id;
    if (await perform('messages', { text: body })) forgetDraft(contactId, body);
  }

  /** The sent text leaves the box, unless the operator has typed on meanwhile. */
  function forgetDraft(contactId, sent) {
    const state = localOf(contactId);
    if (state.draft.trim() !== sent) return;
    state.draft = '';
    if (shown?.contact.id === contactId) text.value = '';
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

  /** Draws a message, merged with what is known of it: statuses only move forward. */
  function keep(message) {
    const early = earlyStatuses.get(message.id);
    earlyStatuses.delete(message.id);
    const merged = advanced(advanced(message, messages.get(message.id)), early);
    messages.set(message.id, merged);
    place(merged);
  }

  function rememberEarly(change) {
    const early = earlyStatuses.get(change.messageId);
    if (!early || isForward(early.status, change.status)) earlyStatuses.set(change.messageId, change);
  }

  function renderFacts(conversation) {
    const { session } = conversation;
    const windowOpen = isWindowOpen(conversation.window);
    fill(
      facts,
      h('div', {}, h('dt', {}, 'Session'), h('dd', { class: 'session-status' }, session ? session.status : 'none')),
      session ? h('div', {}, h('dt', {}, 'Flow'), h('dd', {}, session.flowName, session.currentNodeId ? ` · ${session.currentNodeId}` : '')) : null,
      h(
        'div',
        {},
        h('dt', {}, '24-hour window'),
        h('dd', { class: windowOpen ? 'window-open' : 'window-closed' }, windowOpen ? `open until ${dayAndTime(conversation.window.closesAt)}` : 'closed'),
      ),
    );
  }

  function renderActions({ session }, { busy }) {
    const handedOff = session?.status === 'Handoff';
    takeOverButton.hidden = !session || handedOff;
    releaseButton.hidden = !handedOff;
    endButton.hidden = !handedOff;
    for (const button of [takeOverButton, releaseButton, endButton]) button.disabled = busy;
  }

  function renderComposer(conversation, { busy }) {
    const { session } = conversation;
    const botRunning = session && LIVE.includes(session.status) && session.status !== 'Handoff';
    const windowOpen = isWindowOpen(conversation.window);
    const blocked = !windowOpen
      ? 'The 24-hour window is closed: WhatsApp accepts only template messages until the contact writes again.'
      : botRunning
        ? 'The bot is running this conversation. Take over to reply.'
        : '';
    sendButton.disabled = blocked !== '' || busy;
    text.disabled = blocked !== '';
    hint.textContent = blocked;
  }

  function redraw() {
    if (!shown) return;
    const { contact } = shown;
    const state = localOf(contact.id);
    heading.textContent = contact.name ?? contact.phone;
    phone.textContent = contact.name ? contact.phone : '';
    renderFacts(shown);
    renderActions(shown, state);
    renderComposer(shown, state);
    error.textContent = state.error;
  }

  /** A different conversation: its own messages and draft. */
  function switchTo(contactId) {
    messages.clear();
    bubbles.clear();
    earlyStatuses.clear();
    list.replaceChildren();
    text.value = localOf(contactId).draft;
    fill(root, header, log, typingLine, composer);
  }

  return {
    /** A message from the history or an event, in any order and any number of times. */
    upsert: keep,
    status(change) {
      const known = messages.get(change.messageId);
      if (!known) return rememberEarly(change);
      const updated = advanced(known, change);
      if (updated !== known) keep(updated);
    },
    render(conversation, typing) {
      if (!conversation) {
        shown = null;
        fill(root, h('p', { class: 'empty' }, 'Choose a conversation.'));
        return;
      }
      if (conversation.contact.id !== shown?.contact.id) switchTo(conversation.contact.id);
      shown = conversation;
      redraw();
      typingLine.textContent = typing ? 'The bot is typing…' : '';
    },
    /** Where focus goes when the thread replaces the list (phone width). */
    focusHeading() {
      heading.focus();
    },
  };
}

/** The message with the status of `update` (a status change or another copy of it), if that is further on. */
function advanced(message, update) {
  if (!update || !isForward(message.status, update.status)) return message;
  return { ...message, status: update.status, error: update.error ?? null, waMessageId: update.waMessageId ?? message.waMessageId };
}
