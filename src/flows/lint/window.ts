/**
 * Time: WhatsApp delivers free-form messages only within 24 hours of the user's last message.
 * Along every path the delays, timeouts and request waits since the last reply add up; a node
 * that would send after the window closed is an error (templates may, so they are not checked).
 * A loop of delays with no reply in it grows without bound, and runs on timers for ever.
 */
import { SERVICE_WINDOW_MS, TIMEOUT_HANDLE } from '../constants.js';
import type { FlowNode } from '../definition.js';
import type { Link } from '../graph.js';
import { isPausingNode, isWaitingNode } from '../handles.js';
import { endText, httpTimeoutMs, sessionTimeoutMs } from '../settings.js';
import type { LintContext } from './report.js';
import { cycles, stronglyConnected } from './scc.js';
import { reachableFrom } from './structure.js';

export function checkTiming(context: LintContext): void {
  checkWaitsAgainstSession(context);
  const starts = context.definition.nodes.filter((node) => node.type === 'start');
  const reachable = [...reachableFrom(context, starts)];
  checkUnattendedLoops(context, reachable);
  const elapsed = elapsedOnEntry(context, starts, reachable);
  for (const [id, since] of elapsed) {
    const node = context.graph.node(id);
    if (!node) continue;
    if (sendsFreeForm(node)) reportIfLate(context, node, since, 'sends');
    const closing = closingSendDelay(context, node);
    if (closing !== null) reportIfLate(context, node, since + closing, 'sends its closing text on timeout');
  }
}

/**
 * A session idle longer than its timeout expires at the contact's next message: a delay or a
 * reply's timeout longer than that lets a message meanwhile, or the awaited reply, find it expired.
 */
function checkWaitsAgainstSession(context: LintContext): void {
  const limit = sessionTimeoutMs(context.definition);
  const session = `the session timeout (${limit / 60_000} min)`;
  for (const node of context.definition.nodes) {
    const where = { nodeId: node.id };
    if (node.type === 'delay' && node.data.seconds * 1000 > limit) {
      context.warn(
        'delay-exceeds-session-timeout',
        `"${node.id}" waits longer than ${session}; a message from the user meanwhile would find the session expired.`,
        where,
      );
    }
    if (isWaitingNode(node) && (node.data.timeoutSeconds ?? 0) * 1000 > limit) {
      context.warn(
        'timeout-exceeds-session-timeout',
        `"${node.id}" waits for a reply (timeoutSeconds) longer than ${session}; ` +
          'a reply after that would find the session expired and not be taken as its answer.',
        where,
      );
    }
  }
}

function reportIfLate(context: LintContext, node: FlowNode, since: number, what: string): void {
  if (since < SERVICE_WINDOW_MS) return;
  const when = Number.isFinite(since)
    ? `about ${(since / 3_600_000).toFixed(1)} h after the user's last message`
    : 'after a loop of waits with no reply from the user, so ever later';
  context.error(
    'outside-service-window',
    `"${node.id}" ${what} ${when}; WhatsApp only delivers free-form messages within 24 h of it. ` +
      'Send a template instead or shorten the waits.',
    { nodeId: node.id },
  );
}

/**
 * A loop a session can go round with no reply from the contact, through a delay or a reply's
 * timeout, runs on timers for ever (one with neither spins within a step: `loop-without-wait`).
 * An error when every round sends a message (each one another message to the contact; templates
 * are billed) and only a reply can leave it; else a warning: a poll, a loop that sends on some
 * rounds, or one a condition or a request's outcome can leave (a bounded series of reminders).
 */
function checkUnattendedLoops(context: LintContext, reachable: readonly string[]): void {
  const is = (test: (node: FlowNode) => boolean) => (id: string) => {
    const node = context.graph.node(id);
    return node !== undefined && test(node);
  };
  const pauses = is(isPausingNode);
  const within = (ids: readonly string[]) => {
    const members = new Set(ids);
    return (id: string) => unattendedSteps(context, id).map((step) => step.target).filter((target) => members.has(target));
  };
  for (const loop of cycles(reachable, within(reachable))) {
    if (!loop.some(pauses)) continue; // spins within a step: loop-without-wait
    const quiet = loop.filter(is((node) => !sendsMessage(node)));
    const quietRound = cycles(quiet, within(quiet)).some((round) => round.some(pauses));
    const members = new Set(loop);
    const leavesWithoutReply = loop.some((id) => unattendedSteps(context, id).some((step) => !members.has(step.target)));
    const through = `The loop through ${loop.map((id) => `"${id}"`).join(', ')} can go round for ever on timers, with no reply from the user`;
    if (quietRound || leavesWithoutReply) {
      context.warn('unattended-loop', `${through}; make sure something ends it.`, { nodeId: loop[0] });
    } else {
      context.error(
        'unattended-loop',
        `${through}, sending messages on every round. Wait for a reply in it, or send a fixed number of times without a loop.`,
        { nodeId: loop[0] },
      );
    }
  }
}

function sendsMessage(node: FlowNode): boolean {
  return node.type === 'template' || sendsFreeForm(node);
}

function sendsFreeForm(node: FlowNode): boolean {
  switch (node.type) {
    case 'handoff':
    case 'end':
      return Boolean(node.data.text?.trim());
    case 'message':
    case 'media':
    case 'buttons':
    case 'list':
    case 'question':
    case 'ctaUrl':
    case 'location':
    case 'locationRequest':
      return true;
    default:
      return false;
  }
}

/** A waiting node whose timeout is not wired ends with a text that long after its prompt. */
function closingSendDelay(context: LintContext, node: FlowNode): number | null {
  if (!isWaitingNode(node) || node.data.timeoutSeconds === undefined) return null;
  if (context.graph.edgeFrom(node.id, TIMEOUT_HANDLE) || endText(context.definition, 'timeout') === '') return null;
  return node.data.timeoutSeconds * 1000;
}

/** A reply from the user resets the clock; every other way out adds the time spent in the node. */
function linkCost(node: FlowNode, link: Link): { reset: true } | { reset: false; ms: number } {
  if (isWaitingNode(node)) {
    return link.handle === TIMEOUT_HANDLE ? { reset: false, ms: (node.data.timeoutSeconds ?? 0) * 1000 } : { reset: true };
  }
  if (node.type === 'delay') return { reset: false, ms: node.data.seconds * 1000 };
  if (node.type === 'httpRequest') return { reset: false, ms: httpTimeoutMs(node.data) };
  return { reset: false, ms: 0 };
}

/** Ways out of a node taken without a reply from the user, each with the time spent in the node. */
function unattendedSteps(context: LintContext, id: string): { target: string; ms: number }[] {
  const node = context.graph.node(id);
  if (!node) return [];
  return context.graph.links(id).flatMap((link) => {
    const cost = linkCost(node, link);
    return cost.reset ? [] : [{ target: link.target, ms: cost.ms }];
  });
}

/** Longest time since the user's last message on entering each reachable node (Infinity: unbounded). */
function elapsedOnEntry(context: LintContext, starts: readonly FlowNode[], reachable: readonly string[]): Map<string, number> {
  const { graph } = context;
  const timed = (id: string) => unattendedSteps(context, id);

  const elapsed = new Map<string, number>();
  const entry = new Map<string, number>(starts.map((node) => [node.id, 0]));
  for (const id of reachable) {
    const node = graph.node(id);
    if (!node) continue;
    for (const link of graph.links(id)) {
      if (linkCost(node, link).reset) entry.set(link.target, Math.max(entry.get(link.target) ?? 0, 0));
    }
  }

  // Components come sink-first; walking them backwards visits every predecessor first.
  const components = stronglyConnected(reachable, (id) => timed(id).map((step) => step.target)).reverse();
  for (const component of components) {
    const members = new Set(component);
    const internal = component.flatMap((id) => timed(id).filter((step) => members.has(step.target)));
    const grows = internal.some((step) => step.ms > 0);
    const base = Math.max(-Infinity, ...component.map((id) => entry.get(id) ?? -Infinity));
    const value = grows && base > -Infinity ? Infinity : base;
    for (const id of component) {
      if (value === -Infinity) continue;
      elapsed.set(id, value);
      for (const step of timed(id)) {
        if (members.has(step.target)) continue;
        entry.set(step.target, Math.max(entry.get(step.target) ?? -Infinity, value + step.ms));
      }
    }
  }
  return elapsed;
}
