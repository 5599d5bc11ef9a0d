/** The WhatsApp Cloud API simulator: a library for tests, the demo and benchmarks. */
export { Simulator, startSimulator } from './simulator.js';
export type { PhoneNumberOptions, SimulatorOptions, UserSend, UserSendOptions, WebhookAnswer } from './simulator.js';
export type { FaultSettings, InjectedFailure, StatusOrder } from './faults.js';
export type { Listener, MarkedRead, SentMessage, SimulatorEvent, WebhookDelivery } from './recorder.js';
export type { HappyStatus } from './status-webhooks.js';
export type { UserMessage } from './users.js';
export type { PostOptions } from './webhook-sender.js';
export type { BatchLayout, DeliveryStatus } from './webhooks.js';
// Building blocks for webhooks a test wants to write by hand and post with `postWebhook`.
export { statusError } from './graph-errors.js';
export { contactOf, messagesChange, newWamid, serializeLikeMeta, statusObject, webhookBody } from './webhooks.js';
