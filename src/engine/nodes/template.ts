import type { NodeOfType } from '../../flows/definition.js';
import type { TemplateComponent } from '../../whatsapp/outbound.js';
import { type NodeHandler, next } from '../node-handler.js';

/** An approved template (the only kind of message WhatsApp delivers outside the 24-hour window). */
export const template: NodeHandler<NodeOfType<'template'>> = {
  enter(node, run) {
    const { name, language, components } = node.data;
    const rendered = components?.map(
      (component): TemplateComponent => ({
        type: component.type,
        ...(component.sub_type === undefined ? {} : { sub_type: component.sub_type }),
        ...(component.index === undefined ? {} : { index: String(component.index) }),
        parameters: component.parameters.map((parameter) => ({ type: 'text', text: run.interpolate(parameter.text) })),
      }),
    );
    run.send({
      type: 'template',
      template: { name, language: { code: language }, ...(rendered === undefined ? {} : { components: rendered }) },
    });
    return next;
  },
};
