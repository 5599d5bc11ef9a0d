import type { NodeOfType } from '../../flows/definition.js';
import { listRows } from '../../flows/handles.js';
import { LIMITS } from '../../whatsapp/limits.js';
import type { ListSection, OutboundMessage } from '../../whatsapp/outbound.js';
import { CHOOSE_AGAIN, choiceVerdict } from '../choices.js';
import { type NodeHandler, type NodeRun, fail } from '../node-handler.js';
import { type Choice, type Rendered, renderChoices, renderFrame, renderOptional, renderRequired } from '../render.js';
import { judgeReply, promptAndWait, timedOut } from '../waiting.js';

type ListNode = NodeOfType<'list'>;

/** A list message (up to 10 rows in up to 10 sections); the chosen row's id is the handle. */
export const list: NodeHandler<ListNode> = {
  enter(node, run) {
    const rows = rowChoices(node, run);
    if (!rows.ok) return fail(`"${node.id}": ${rows.reason}`);
    return promptAndWait(node, run, listMessage(node, run, rows.value));
  },
  onMessage: (node, run, message) =>
    judgeReply(node, run, message, (reply) => choiceVerdict(node.data.variable, rowChoices(node, run), reply), CHOOSE_AGAIN),
  onTimer: timedOut,
};

function rowChoices(node: ListNode, run: NodeRun): Rendered<Choice[]> {
  const { sections } = node.data;
  const rows = listRows(node);
  if (sections.length < 1 || sections.length > LIMITS.list.sections) {
    return { ok: false, reason: `has ${sections.length} sections; WhatsApp allows 1 to ${LIMITS.list.sections}` };
  }
  if (sections.some((section) => section.rows.length === 0)) return { ok: false, reason: 'has a section without rows' };
  if (rows.length > LIMITS.list.rows) {
    return { ok: false, reason: `has ${rows.length} rows; WhatsApp allows ${LIMITS.list.rows} in all` };
  }
  return renderChoices(run, rows, { title: LIMITS.list.rowTitle, id: LIMITS.list.rowId });
}

/** Sections as sent; a section title is required when there are several, so a blank one becomes "Options N". */
function listMessage(node: ListNode, run: NodeRun, rows: Choice[]): OutboundMessage {
  const { sections } = node.data;
  const several = sections.length > 1;
  let offset = 0;
  const rendered: ListSection[] = sections.map((section, s) => {
    const choices = rows.slice(offset, (offset += section.rows.length));
    const title = several
      ? renderRequired(run, section.title ?? '', LIMITS.list.sectionTitle, `Options ${s + 1}`)
      : renderOptional(run, section.title, LIMITS.list.sectionTitle);
    return {
      ...(title === null ? {} : { title }),
      rows: choices.map((choice, r) => {
        const description = renderOptional(run, section.rows[r]?.description, LIMITS.list.rowDescription);
        return description === null ? choice : { ...choice, description };
      }),
    };
  });
  return {
    type: 'interactive',
    interactive: {
      type: 'list',
      ...renderFrame(run, node.data),
      action: { button: renderRequired(run, node.data.buttonLabel, LIMITS.list.button, 'Options'), sections: rendered },
    },
  };
}
