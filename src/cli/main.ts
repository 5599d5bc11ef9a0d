/**
 * `waflow <command>`: the service's command line. Each command lives in its own module; this
 * file only dispatches.
 */
import { demoCommand } from './demo.js';
import { flowsCommand } from './flows.js';
import { migrateCommand } from './migrate.js';
import { serveCommand, workerCommand } from './serve.js';
import { simulatorCommand } from './simulator.js';
import { usersCommand } from './users.js';

const USAGE = `waflow — WhatsApp Cloud API webhooks and flows

Usage: waflow <command> [options]

Commands:
  serve [--no-worker]     HTTP + socket.io on PORT (default 3001), with the worker in-process
  worker                  conversations, sends and timers only (scaled mode: PostgreSQL + Redis)
  migrate                 apply database migrations and exit
  users create|list       manage users (tenants) directly in the database
  flows lint|schema|import  check a flow file, print the definition's JSON Schema, import a flow
  simulator [--port 4010]   a local WhatsApp Cloud API simulator (Graph endpoints + signed webhooks)
  demo [--port 3001]      waflow + simulator + a demo flow, and a terminal chat where you are the user

Configuration comes from the environment (see README): DATA_DIR, DATABASE_URL, PORT, …
`;

type Command = (args: string[]) => Promise<number | void>;

const commands: Record<string, Command> = {
  serve: serveCommand,
  worker: workerCommand,
  migrate: migrateCommand,
  users: usersCommand,
  flows: flowsCommand,
  simulator: simulatorCommand,
  demo: demoCommand,
};

export async function main(argv: string[]): Promise<number | void> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(USAGE);
    return name ? 0 : 1;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`unknown command "${name}"\n\n${USAGE}`);
    return 1;
  }
  return command(rest);
}
