/** The one registry of node types: every type of the definition schema has exactly one handler. */
import type { NodeOfType, NodeType } from '../../flows/definition.js';
import type { NodeHandler } from '../node-handler.js';
import { buttons } from './buttons.js';
import { condition } from './condition.js';
import { ctaUrl } from './cta-url.js';
import { delay } from './delay.js';
import { end } from './end.js';
import { goto } from './goto.js';
import { handoff } from './handoff.js';
import { httpRequest } from './http-request.js';
import { list } from './list.js';
import { locationRequest } from './location-request.js';
import { location } from './location.js';
import { media } from './media.js';
import { message } from './message.js';
import { question } from './question.js';
import { randomSplit } from './random-split.js';
import { reaction } from './reaction.js';
import { setVariable } from './set-variable.js';
import { start } from './start.js';
import { template } from './template.js';

const handlers: { [T in NodeType]: NodeHandler<NodeOfType<T>> } = {
  start,
  message,
  media,
  buttons,
  list,
  question,
  condition,
  setVariable,
  delay,
  httpRequest,
  template,
  handoff,
  goto,
  end,
  ctaUrl,
  location,
  locationRequest,
  randomSplit,
  reaction,
};

export function handlerFor<T extends NodeType>(type: T): NodeHandler<NodeOfType<T>> {
  return handlers[type];
}
