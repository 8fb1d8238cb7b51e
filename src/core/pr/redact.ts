/**
 * Keeping credentials out of every message: git's stderr, an API error, a command line shown in an error.
 * The known secrets (the token) are removed along with the encodings policy-trim itself sends them in, and
 * credentials of well-known shapes are removed even when nobody said they were secret (a token written into
 * a remote URL, an Authorization header echoed by a proxy).
 */

/** What a removed secret is replaced with. */
export const REDACTED = '***';

/** Secrets shorter than this are not searched for: removing every "a" would only garble the message. */
const MIN_SECRET_LENGTH = 4;

/** The basic-auth encoding git is given a token in (`x-access-token:TOKEN`), and the token's own base64. */
export function basicAuthValue(token: string): string {
  return base64(`x-access-token:${token}`);
}

function base64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

/** Every form a secret can appear in: as given, URL-encoded, and the base64 forms sent in headers. */
function secretForms(secret: string): string[] {
  return [secret, encodeURIComponent(secret), basicAuthValue(secret), base64(secret)];
}

/** Credential shapes removed from any text: GitHub tokens, URL user info, Authorization header values. */
const CREDENTIAL_SHAPES: ReadonlyArray<[RegExp, (match: string, ...groups: string[]) => string]> = [
  [/\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})\b/g, () => REDACTED],
  [/\b([a-z][a-z0-9+.-]*:\/\/)[^\s@/]+@/gi, (_, scheme: string) => `${scheme}${REDACTED}@`],
  [/\b(authorization\s*[:=]\s*)((?:basic|bearer|token)\s+)?[^\s'"]+/gi, (_, key: string, kind = '') => `${key}${kind}${REDACTED}`],
];

/**
 * `text` with each of `secrets` (and its URL and base64 forms) and every credential-shaped string replaced by
 * {@link REDACTED}. Apply it to anything built from a command's output or an HTTP response before it is shown.
 */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret === undefined || secret.length < MIN_SECRET_LENGTH) continue;
    for (const form of secretForms(secret)) out = out.split(form).join(REDACTED);
  }
  for (const [shape, replacement] of CREDENTIAL_SHAPES) out = out.replace(shape, replacement);
  return out;
}
