/**
 * Serves the operator console: `web/index.html` at `/` and the files under `web/assets/` at
 * `/assets/…`. The files are read once at start into memory (a few kilobytes), so a request
 * never touches the file system and no path from a URL ever reaches it.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** Same folder from src/http (tests) and dist/http (built): both sit two levels below the root. */
const WEB_ROOT = fileURLToPath(new URL('../../web', import.meta.url));

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** Scripts, styles and sockets from this origin only. */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

interface WebFile {
  body: Buffer;
  type: string;
}

function loadFiles(folder: string): Map<string, WebFile> {
  const files = new Map<string, WebFile>();
  for (const entry of readdirSync(folder, { recursive: true, withFileTypes: true })) {
    const type = CONTENT_TYPES[extname(entry.name)];
    if (!entry.isFile() || !type) continue;
    const path = join(entry.parentPath, entry.name);
    files.set(relative(folder, path).split(sep).join('/'), { body: readFileSync(path), type });
  }
  return files;
}

export async function consoleAppRoutes(app: FastifyInstance, webRoot = WEB_ROOT): Promise<void> {
  const index: WebFile = { body: readFileSync(join(webRoot, 'index.html')), type: CONTENT_TYPES['.html']! };
  const assets = loadFiles(join(webRoot, 'assets'));
  const serve = (reply: FastifyReply, file: WebFile) =>
    reply.headers({ ...SECURITY_HEADERS, 'content-type': file.type, 'cache-control': 'no-cache' }).send(file.body);

  app.get('/', async (_request, reply) => serve(reply, index));
  app.get('/assets/*', async (request, reply) => {
    const file = assets.get((request.params as { '*': string })['*']);
    return file ? serve(reply, file) : reply.callNotFound();
  });
}
