/**
 * The inbox: the conversations list and the open conversation, kept up to date by the realtime
 * events. Every event is applied idempotently (messages by id, statuses forward only), so one
 * that arrives twice — live and in a replay — changes nothing the second time.
 */
import { api } from '../api.js';
import { h } from '../dom.js';
import { isForward } from '../format.js';
import { connectRealtime } from '../realtime.js';
import { renderConversationList } from './conversation-list.js';
import { createThread } from './thread.js';

const LIST_SIZE = 100;
const THREAD_SIZE = 200;
/** A typing indicator whose stop was lost (a crashed process) clears itself. */
const TYPING_TIMEOUT_MS = 30_000;
const CONNECT_WAIT_MS = 3_000;

export function createInbox({ root, onConnection }) {
  const conversations = new Map();
  const typing = new Map();
  let openId = null;

  const listSection = h('section', { class: 'conversation-list', 'aria-labelledby': 'conversations-title' });
  const threadSection = h('section', { class: 'thread', 'aria-label': 'Conversation' });
  const layout = h('div', { class: 'inbox', 'data-view': 'list' }, listSection, threadSection);
  const problem = h('p', { class: 'form-error', role: 'alert' });
  root.replaceChildren(problem, layout);
  /** Background work (loading, following events) reports here instead of failing silently. */
  const report = (promise) =>
    promise.then(
      () => (problem.textContent = ''),
      (error) => (problem.textContent = `Could not update the inbox: ${error.message}`),
    );

  const thread = createThread({
    root: threadSection,
    onBack: () => report(open(null)),
    act: (path, body) => act(path, body),
  });

  const renderList = () =>
    renderConversationList(listSection, [...conversations.values()].sort(byActivity), { openId, typing, onOpen: (id) => report(open(id)) });
  const renderThread = () => thread.render(openId ? conversations.get(openId) : null, openId !== null && typing.has(openId));

  const realtime = connectRealtime({
    event: (type, payload) => apply(type, payload),
    typing: (contactId, active) => setTyping(contactId, active),
    connection: (state, detail) => onConnection(state, detail),
    resync: () => report(reload()),
  });

  async function reload() {
    const { conversations: rows } = await api('GET', `/conversations?limit=${LIST_SIZE}`);
    conversations.clear();
    for (const row of rows) conversations.set(row.contact.id, row);
    renderList();
    if (openId) await loadThread(openId);
  }

  async function open(contactId) {
    openId = contactId;
    layout.dataset.view = contactId ? 'thread' : 'list';
    renderList();
    renderThread();
    await realtime.open(contactId).catch(() => {});
    if (contactId) await loadThread(contactId);
  }

  async function loadThread(contactId) {
    const { messages } = await api('GET', `/contacts/${encodeURIComponent(contactId)}/messages?limit=${THREAD_SIZE}`);
    if (openId !== contactId) return;
    thread.setMessages(messages.reverse());
    renderThread();
    await markRead(contactId);
  }

  async function markRead(contactId) {
    const conversation = conversations.get(contactId);
    if (!conversation || conversation.unread === 0) return;
    conversation.unread = 0;
    renderList();
    await api('POST', `/contacts/${encodeURIComponent(contactId)}/read`).catch(() => {});
  }

  /** An operator action on the open conversation; refreshes its row from the answer. */
  async function act(path, body) {
    const contactId = openId;
    const answer = await api('POST', `/contacts/${encodeURIComponent(contactId)}/${path}`, body);
    if (answer.message) thread.upsert(answer.message);
    await refreshConversation(contactId);
    return answer;
  }

  async function refreshConversation(contactId) {
    const row = await api('GET', `/conversations/${encodeURIComponent(contactId)}`).catch(() => null);
    if (!row) return;
    conversations.set(contactId, contactId === openId ? { ...row, unread: 0 } : row);
    renderList();
    if (contactId === openId) renderThread();
  }

  function apply(type, payload) {
    const contactId = payload.contactId;
    const conversation = conversations.get(contactId);
    if (!conversation) {
      // A conversation this list does not show yet (a new contact): fetch its row.
      if (type === 'message:new') report(refreshConversation(contactId));
      return;
    }
    if (type === 'message:new') onMessage(conversation, payload.message);
    else if (type === 'message:status') onStatus(conversation, payload);
    else if (type === 'session:updated') onSession(conversation, payload);
    else if (type === 'conversation:read') conversation.unread = 0;
    renderList();
    if (contactId === openId) renderThread();
  }

  function onMessage(conversation, message) {
    const last = conversation.lastMessage;
    // The list may already show this message (its event crossed the list's request).
    const isNew = !last || (last.id !== message.id && Date.parse(message.createdAt) >= Date.parse(last.createdAt));
    if (isNew) conversation.lastMessage = message;
    if (isNew && message.direction === 'inbound') {
      conversation.contact.lastInboundAt = message.createdAt;
      conversation.window = { open: true, closesAt: new Date(Date.parse(message.createdAt) + 24 * 3_600_000).toISOString() };
      conversation.unread += 1;
      if (message.contactId === openId && document.visibilityState === 'visible') void markRead(message.contactId);
    }
    if (message.contactId === openId) thread.upsert(message);
  }

  function onStatus(conversation, change) {
    const last = conversation.lastMessage;
    if (last?.id === change.messageId && isForward(last.status, change.status)) {
      conversation.lastMessage = { ...last, status: change.status, error: change.error ?? null };
    }
    if (change.contactId === openId) thread.status(change);
  }

  function onSession(conversation, change) {
    if (conversation.session?.id === change.sessionId) conversation.session = { ...conversation.session, status: change.status };
    else report(refreshConversation(change.contactId));
  }

  function setTyping(contactId, active) {
    clearTimeout(typing.get(contactId));
    if (active) typing.set(contactId, setTimeout(() => setTyping(contactId, false), TYPING_TIMEOUT_MS));
    else typing.delete(contactId);
    renderList();
    if (contactId === openId) renderThread();
  }

  // What arrived in the open conversation while the tab was hidden is read when it shows again.
  const onVisible = () => {
    if (document.visibilityState === 'visible' && openId) void markRead(openId);
  };
  document.addEventListener('visibilitychange', onVisible);

  // Loaded once the socket is live (or has had a few seconds to be), so no change falls between.
  const ready = Promise.race([realtime.connected, new Promise((resolve) => setTimeout(resolve, CONNECT_WAIT_MS))]).then(reload);
  return {
    ready,
    destroy() {
      realtime.close();
      document.removeEventListener('visibilitychange', onVisible);
      for (const timer of typing.values()) clearTimeout(timer);
    },
  };
}

const activityOf = (conversation) =>
  Math.max(Date.parse(conversation.contact.updatedAt) || 0, Date.parse(conversation.lastMessage?.createdAt ?? '') || 0);
const byActivity = (a, b) => activityOf(b) - activityOf(a);
