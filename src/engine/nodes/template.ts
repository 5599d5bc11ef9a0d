import type { NodeOfType, TemplateData } from '../../flows/definition.js';
import type { TemplateComponent } from '../../whatsapp/outbound.js';
import { type NodeHandler, type NodeRun, next } from '../node-handler.js';

/** An approved template (the only kind of message WhatsApp delivers outside the 24-hour window). */
export const template: NodeHandler<NodeOfType<'template'>> = {
  enter(node, run) {
    const { name, language, components } = node.data;
    const rendered = components?.map((component) => renderComponent(component, run));
    run.send({
      type: 'template',
      template: { name, language: { code: language }, ...(rendered === undefined ? {} : { components: rendered }) },
    });
    return next;
  },
};

type ComponentData = NonNullable<TemplateData['components']>[number];

function renderComponent(component: ComponentData, run: NodeRun): TemplateComponent {
  return {
    type: component.type,
    ...(component.sub_type === undefined ? {} : { sub_type: component.sub_type }),
    ...(component.index === undefined ? {} : { index: String(component.index) }),
    parameters: component.parameters.map((parameter) => ({ type: 'text', text: parameterText(run.interpolate(parameter.text)) })),
  };
}

const LINE_BREAKS_AND_TABS = /[\r\n\t\v\f\u2028\u2029]+/g;
const MORE_THAN_FOUR_SPACES = / {5,}/g;
/** Shown where a parameter renders empty: the template still goes out, with a visible gap. */
const EMPTY_PARAMETER = '-';

/**
 * A text parameter Meta accepts. It refuses (error 132018, never worth a retry) an empty one and
 * one with a line break, a tab or more than 4 spaces in a row: a variable holding a typed
 * address or an unanswered question would otherwise fail the one message that reaches a contact
 * outside the 24-hour window. The reference states no length limit for a parameter, so none is
 * applied here.
 */
function parameterText(rendered: string): string {
  const text = rendered.replace(LINE_BREAKS_AND_TABS, ' ').replace(MORE_THAN_FOUR_SPACES, ' ').trim();
  return text === '' ? EMPTY_PARAMETER : text;
}
