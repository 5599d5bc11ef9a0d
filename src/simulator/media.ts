/**
 * Media objects users "upload": a media id resolves to its metadata through the Graph API,
 * and the metadata's URL serves bytes that match its sha256.
 */
import { createHash, randomBytes } from 'node:crypto';

export interface StoredMedia {
  id: string;
  mimeType: string;
  bytes: Buffer;
  sha256: string;
}

export class MediaStore {
  readonly #media = new Map<string, StoredMedia>();

  add(mimeType: string): StoredMedia {
    const id = randomBytes(8).readBigUInt64BE().toString();
    const bytes = Buffer.from(`simulated media ${id} (${mimeType})`);
    const media = { id, mimeType, bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
    this.#media.set(id, media);
    return media;
  }

  get(id: string): StoredMedia | undefined {
    return this.#media.get(id);
  }
}
