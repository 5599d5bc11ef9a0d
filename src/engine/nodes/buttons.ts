import type { NodeOfType } from '../../flows/definition.js';
import { LIMITS } from '../../whatsapp/limits.js';
import type { OutboundMessage } from '../../whatsapp/outbound.js';
import { CHOOSE_AGAIN, choiceVerdict } from '../choices.js';
import { type NodeHandler, type NodeRun, fail } from '../node-handler.js';
import { type Choice, type Rendered, renderChoices, renderFrame } from '../render.js';
import { judgeReply, promptAndWait, timedOut } from '../waiting.js';

type ButtonsNode = NodeOfType<'buttons'>;

/** Up to three reply buttons; the chosen button's id is the handle the flow leaves by. */
export const buttons: NodeHandler<ButtonsNode> = {
  enter(node, run) {
    const choices = buttonChoices(node, run);
    if (!choices.ok) return fail(`"${node.id}": ${choices.reason}`);
    return promptAndWait(node, run, buttonsMessage(node, run, choices.value));
  },
  onMessage: (node, run, message) =>
    judgeReply(node, run, message, (reply) => choiceVerdict(node.data.variable, buttonChoices(node, run), reply), CHOOSE_AGAIN),
  onTimer: timedOut,
};

function buttonChoices(node: ButtonsNode, run: NodeRun): Rendered<Choice[]> {
  const count = node.data.buttons.length;
  if (count < 1 || count > LIMITS.buttons.max) {
    return { ok: false, reason: `has ${count} buttons; WhatsApp allows 1 to ${LIMITS.buttons.max}` };
  }
  return renderChoices(run, node.data.buttons, { title: LIMITS.buttons.title, id: LIMITS.buttons.id });
}

function buttonsMessage(node: ButtonsNode, run: NodeRun, choices: Choice[]): OutboundMessage {
  return {
    type: 'interactive',
    interactive: {
      type: 'button',
      ...renderFrame(run, node.data),
      action: { buttons: choices.map((reply) => ({ type: 'reply', reply })) },
    },
  };
}
