import { NEXT_HANDLE } from '../../flows/constants.js';
import type { NodeOfType, Validation } from '../../flows/definition.js';
import { checkAnswer } from '../answers.js';
import type { NodeHandler } from '../node-handler.js';
import { renderTextMessage } from '../render.js';
import { type Verdict, judgeReply, promptAndWait, timedOut } from '../waiting.js';

/**
 * Ask, and store the (validated, normalised) answer in `variable`. An answer is the text of a
 * typed message, or the title of a tapped button or row; media, locations, contacts and the
 * like carry no answer and count as unexpected replies.
 */
export const question: NodeHandler<NodeOfType<'question'>> = {
  enter(node, run) {
    const prompt = renderTextMessage(run, node.data.text) ?? { type: 'text', text: { body: ASK_FALLBACK } };
    return promptAndWait(node, run, prompt);
  },
  onMessage: (node, run, message) =>
    judgeReply(
      node,
      run,
      message,
      (reply): Verdict => {
        if (!ANSWER_TYPES.has(reply.type) || reply.text === null) return { kind: 'reject' };
        const answer = checkAnswer(node.data.validation, reply.text);
        switch (answer.kind) {
          case 'valid':
            return { kind: 'accept', handle: NEXT_HANDLE, store: { variable: node.data.variable, value: answer.value } };
          case 'invalid':
            return { kind: 'reject' };
          case 'broken':
            return answer;
        }
      },
      INVALID_ANSWER[node.data.validation?.type ?? 'text'],
    ),
  onTimer: timedOut,
};

const ASK_FALLBACK = 'Please type your answer.';
const ANSWER_TYPES: ReadonlySet<string> = new Set(['text', 'interactive', 'button']);

const INVALID_ANSWER: Record<Validation['type'], string> = {
  text: 'Please type your answer.',
  number: 'Please reply with a number.',
  email: 'Please reply with a valid email address.',
  phone: 'Please reply with a valid phone number.',
  date: 'Please reply with a date, e.g. 31/12/2025.',
  regex: "Sorry, that doesn't look right. Please try again.",
};
