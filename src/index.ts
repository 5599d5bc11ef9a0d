/** Library entry point: the service, and the seed-compatible API for code in the same codebase. */
export { createWaflow, type Waflow, type WaflowOptions } from './app.js';
export { loadConfig, type Config } from './config/index.js';
export { executeFlow, FlowSendMessageError, FlowUnsupportedEffectError, messageSender, sendMessage, type SeedMetadata, type SeedSession, type SendMessage } from './compat/seed.js';
export { matchesTrigger } from './flows/trigger.js';
export { parseDefinition, type FlowDefinition } from './flows/definition.js';
export { lintDefinition } from './flows/lint.js';
export { step } from './engine/step.js';
export { GraphApiError } from './whatsapp/errors.js';
export { mapWhatsAppStatus } from './whatsapp/status.js';
export type { OutboundMessage } from './whatsapp/outbound.js';
