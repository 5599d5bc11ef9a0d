import { parseArgs } from 'node:util';
import { listUsers, takenUserField } from '../db/repositories/users.js';
import { accountView, createAccount } from '../tenants/accounts.js';
import { accessTokenSchema } from '../whatsapp/access-token.js';
import { UsageError, required, withDatabase, withSecretBox } from './context.js';

const USAGE = `waflow users create --name NAME --phone-number-id ID --token TOKEN [--app-secret S] [--email E]
waflow users list`;

export async function usersCommand(args: string[]): Promise<number> {
  const [action, ...rest] = args;
  if (action === 'create') {
    const { values } = parseArgs({
      args: rest,
      options: {
        name: { type: 'string' },
        'phone-number-id': { type: 'string' },
        token: { type: 'string' },
        'app-secret': { type: 'string' },
        email: { type: 'string' },
      },
    });
    const input = {
      name: required(values, 'name'),
      metaPhoneNumberId: required(values, 'phone-number-id'),
      metaAccessToken: accessToken(required(values, 'token')),
      appSecret: values['app-secret'] ?? null,
      email: values.email ?? null,
    };
    const { user, apiKey } = await withSecretBox((database, box) => createAccount(database.db, box, input)).catch((error: unknown) => {
      // Said plainly: the driver's message would quote the whole statement, sealed token included.
      const field = takenUserField(error);
      throw field ? new UsageError(`another user already has this ${field === 'email' ? 'email' : 'phone number id'}`) : error;
    });
    process.stdout.write(`${JSON.stringify({ ...accountView(user), apiKey }, null, 2)}\n`);
    return 0;
  }
  if (action === 'list') {
    const users = await withDatabase((database) => listUsers(database.db));
    process.stdout.write(`${JSON.stringify(users.map(accountView), null, 2)}\n`);
    return 0;
  }
  throw new UsageError(USAGE);
}

/** The token as the API takes it (`accessTokenSchema`). */
function accessToken(text: string): string {
  const parsed = accessTokenSchema.safeParse(text);
  if (!parsed.success) throw new UsageError(`--token ${parsed.error.issues[0]!.message}`);
  return parsed.data;
}
