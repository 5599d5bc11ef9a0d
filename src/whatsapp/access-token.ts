/**
 * What an access token from Meta can be: it travels in the Authorization header, so printable
 * ASCII without spaces. A token pasted with a line break or a character outside ASCII cannot
 * even be sent: Node refuses the header before any request leaves.
 */
export const ACCESS_TOKEN_PATTERN = /^[\x21-\x7e]+$/;

export const ACCESS_TOKEN_RULE = 'must be the access token from Meta as given: printable ASCII, no spaces or line breaks';
