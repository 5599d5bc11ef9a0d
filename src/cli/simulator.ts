import { parseArgs } from 'node:util';
import { startSimulator } from '../simulator/index.js';
import { required } from './context.js';

/** Runs the Cloud API simulator until interrupted (point META_GRAPH_URL at the printed URL). */
export async function simulatorCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string', default: '4010' },
      'app-secret': { type: 'string', default: process.env.WHATSAPP_APP_SECRET },
      'webhook-url': { type: 'string', default: 'http://localhost:3001/webhooks/whatsapp' },
      'phone-number-id': { type: 'string', default: '100000000000001' },
      token: { type: 'string', default: 'EAAG-simulator-token' },
    },
  });
  const phoneNumberId = required(values, 'phone-number-id');
  const simulator = await startSimulator({
    port: Number(values.port),
    appSecret: required(values, 'app-secret'),
    webhookUrl: required(values, 'webhook-url'),
    phoneNumbers: { [phoneNumberId]: { accessToken: required(values, 'token') } },
  });
  process.stdout.write(
    `Cloud API simulator on ${simulator.url} (phone_number_id ${phoneNumberId}); webhooks go to ${values['webhook-url']}.\n` +
      `Run waflow with META_GRAPH_URL=${simulator.url}. Ctrl-C stops.\n`,
  );
  const stop = () => void simulator.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
