/**
 * The inbox: the conversations list and the open conversation, kept up to date by the realtime
 * events. Every event is applied idempotently (messages by id, statuses forward only), so one
 * that arrives twice — live, in a replay, or again onto a snapshot that already held it —
 * changes nothing the second time.
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
  /** The events received while each snapshot of rows loads: applied to it again, as it may predate them. */
  const arrivals = new Set();
  let openId = null;
  let loaded = false;
  let windowTimer;

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
    act: (contactId, path, body) => act(contactId, path, body),
  });

  const renderList = () => {
    renderConversationList(listSection, [...conversations.values()].sort(byActivity), { openId, typing, onOpen: (id) => report(open(id)) });
    redrawWhenAWindowCloses();
  };
  const renderThread = () => thread.render(openId ? conversations.get(openId) : null, openId !== null && typing.has(openId));

  const realtime = connectRealtime({
    event: (type, payload) => apply({ type, payload }),
    typing: (contactId, active) => setTyping(contactId, active),
    connection: (state, detail) => onConnection(state, detail),
    hasLoaded: () => loaded,
    resync: () => report(reload()),
  });

  /** The answer to a GET of rows, with the events that arrived while it was on its way. */
  async function snapshot(path) {
    const arrived = [];
    arrivals.add(arrived);
    try {
      return { answer: await api('GET', path), arrived };
    } finally {
      arrivals.delete(arrived);
    }
  }

  const reload = oneAtATime(async () => {
    loaded = true;
    const { answer, arrived } = await snapshot(`/conversations?limit=${LIST_SIZE}`);
    // Rows it lacks stay: a conversation that began while it loaded is not in it yet.
    for (const row of answer.conversations) conversations.set(row.contact.id, row);
    for (const event of arrived) updateRow(event);
    renderList();
    if (openId) await loadThread(openId);
  });

  /** A conversation's row as the server has it: its 24-hour window, its session and the node it is at. */
  const refreshConversation = oneAtATime(async (contactId) => {
    const fetched = await snapshot(`/conversations/${encodeURIComponent(contactId)}`).catch(() => null);
    if (!fetched) return;
    conversations.set(contactId, fetched.answer);
    for (const event of fetched.arrived) if (event.payload.contactId === contactId) updateRow(event);
    if (contactId === openId) fetched.answer.unread = 0;
    renderList();
    if (contactId === openId) renderThread();
  });

  async function open(contactId) {
    const previousId = openId;
    openId = contactId;
    layout.dataset.view = contactId ? 'thread' : 'list';
    renderList();
    renderThread();
    moveFocus(previousId);
    await realtime.open(contactId).catch(() => {});
    if (contactId) await loadThread(contactId);
  }

  /** At phone width one pane shows at a time: focus goes to the one that replaced the other. */
  function moveFocus(previousId) {
    if (openId && !listSection.checkVisibility()) thread.focusHeading();
    if (!openId && previousId) listSection.querySelector(`[data-contact-id="${CSS.escape(previousId)}"]`)?.focus();
  }

  async function loadThread(contactId) {
    const { messages } = await api('GET', `/contacts/${encodeURIComponent(contactId)}/messages?limit=${THREAD_SIZE}`);
    if (openId !== contactId) return;
    for (const message of messages.reverse()) thread.upsert(message);
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

  /** An operator action on a conversation; refreshes its row from the server. */
  async function act(contactId, path, body) {
    const answer = await api('POST', `/contacts/${encodeURIComponent(contactId)}/${path}`, body);
    // The operator may have opened another conversation while this one was on its way.
    if (answer.message && contactId === openId) thread.upsert(answer.message);
    await refreshConversation(contactId);
  }

  function apply(event) {
    for (const arrived of arrivals) arrived.push(event);
    const { type, payload } = event;
    const contactId = payload.contactId;
    const conversation = conversations.get(contactId);
    updateRow(event);
    if (contactId === openId && type === 'message:new') thread.upsert(payload.message);
    if (contactId === openId && type === 'message:status') thread.status(payload);
    if (isUnreadInView(event)) void markRead(contactId);
    if (rowIsStale(conversation, event)) report(refreshConversation(contactId));
    if (!conversation) return;
    renderList();
    if (contactId === openId) renderThread();
  }

  /** What an event changes in its row, if the list shows it (the server's row holds the rest). */
  function updateRow({ type, payload }) {
    const conversation = conversations.get(payload.contactId);
    if (!conversation) return;
    if (type === 'message:new') addMessage(conversation, payload.message);
    else if (type === 'message:status') advanceLastMessage(conversation, payload);
    else if (type === 'session:updated' && conversation.session?.id === payload.sessionId) conversation.session = { ...conversation.session, status: payload.status };
    else if (type === 'conversation:read') conversation.unread = 0;
  }

  function addMessage(conversation, message) {
    const last = conversation.lastMessage;
    // The row may already hold this message (its event crossed the row's request).
    const isNew = !last || (last.id !== message.id && Date.parse(message.createdAt) >= Date.parse(last.createdAt));
    if (!isNew) return;
    conversation.lastMessage = message;
    if (message.direction === 'inbound') conversation.unread += 1;
  }

  function advanceLastMessage(conversation, change) {
    const last = conversation.lastMessage;
    if (last?.id === change.messageId && isForward(last.status, change.status)) {
      conversation.lastMessage = { ...last, status: change.status, error: change.error ?? null };
    }
  }

  const isUnreadInView = ({ type, payload }) =>
    type === 'message:new' && payload.message.direction === 'inbound' && payload.contactId === openId && document.visibilityState === 'visible';

  /**
   * Whether the server's row must be fetched again: a conversation not listed yet (a new
   * contact), a message from the contact (the window runs from WhatsApp's time of it, which the
   * event does not carry), a message while a session runs (it may have moved to another node),
   * a session the row does not know.
   */
  function rowIsStale(conversation, { type, payload }) {
    if (type === 'message:new') return !conversation || payload.message.direction === 'inbound' || Boolean(conversation.session);
    if (type === 'session:updated') return Boolean(conversation) && conversation.session?.id !== payload.sessionId;
    return false;
  }

  /** The next 24-hour window to close redraws the list and the thread: chip, header, composer. */
  function redrawWhenAWindowCloses() {
    clearTimeout(windowTimer);
    const now = Date.now();
    const next = Math.min(...[...conversations.values()].map(closingTime).filter((at) => at > now));
    if (next === Infinity) return;
    windowTimer = setTimeout(() => {
      renderList();
      renderThread();
    }, next - now);
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

  // Loaded once the socket is live (or has had a few seconds to be), so no change falls between;
  // loaded without it, the first connection loads again (`hasLoaded`).
  const ready = Promise.race([realtime.connected, new Promise((resolve) => setTimeout(resolve, CONNECT_WAIT_MS))]).then(() => reload());
  return {
    ready,
    destroy() {
      realtime.close();
      document.removeEventListener('visibilitychange', onVisible);
      clearTimeout(windowTimer);
      for (const timer of typing.values()) clearTimeout(timer);
    },
  };
}

const activityOf = (conversation) =>
  Math.max(Date.parse(conversation.contact.updatedAt) || 0, Date.parse(conversation.lastMessage?.createdAt ?? '') || 0);
const byActivity = (a, b) => activityOf(b) - activityOf(a);
const closingTime = (conversation) => Date.parse(conversation.window?.closesAt ?? '') || 0;

/**
 * run(key) one call at a time per key; the calls made while one runs share one run after it, so
 * the last answer applied is the newest (an older one would bring back an older session or window).
 */
function oneAtATime(run) {
  const running = new Map();
  const queued = new Map();
  return (key) => {
    if (queued.has(key)) return queued.get(key);
    const next = (running.get(key) ?? Promise.resolve())
      .catch(() => {})
      .then(() => {
        queued.delete(key);
        running.set(key, next);
        return run(key);
      })
      .finally(() => {
        if (running.get(key) === next) running.delete(key);
      });
    queued.set(key, next);
    return next;
  };
}
