/**
 * Whether the values a URL template takes choose its origin (scheme, user info, host, port), so
 * that a contact's text could pick where a request goes. `render` writes the template with the
 * given value in place of every value's placeholder (secrets stay the author's): rendered with
 * two values no origin treats alike, the origin changes, or does not parse. The engine refuses to
 * send secrets to such a URL, and the linter says so when the flow is saved.
 */
export function originChosenByValues(render: (value: string) => string): boolean {
  // Letters: valid wherever a value may stand, a port aside.
  const [first, second] = ['a', 'b'].map((value) => originOf(render(value)));
  return first === null || first !== second;
}

function originOf(url: string): string | null {
  if (!URL.canParse(url)) return null;
  const { protocol, username, password, host } = new URL(url);
  return `${protocol}//${username}:${password}@${host}`;
}
