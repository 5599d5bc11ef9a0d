/** The waflow API, with the API key kept in session storage (gone when the tab closes). */

const KEY_STORAGE = 'waflow.apiKey';

export const credentials = {
  get: () => sessionStorage.getItem(KEY_STORAGE),
  set: (key) => sessionStorage.setItem(KEY_STORAGE, key),
  clear: () => sessionStorage.removeItem(KEY_STORAGE),
};

export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/** Called when the key is refused, so the console can sign out. */
let onUnauthorized = () => {};
export const whenUnauthorized = (handler) => {
  onUnauthorized = handler;
};

export async function api(method, path, body, key = credentials.get()) {
  const headers = { authorization: `Bearer ${key ?? ''}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`/api/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (response.ok) return data;
  const error = new ApiError(response.status, data?.error?.code ?? 'error', data?.error?.message ?? response.statusText, data?.error?.details);
  if (response.status === 401) onUnauthorized(error);
  throw error;
}
