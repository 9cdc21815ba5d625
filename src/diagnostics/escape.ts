// Escaping for both outputs: the dump and the profile hold the app's strings (function names,
// URLs, argv), which must never become markup on the page nor control sequences on a terminal.

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text safe in element content and in quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ENTITIES[char]!);
}

/**
 * Text on one line with nothing that steers a terminal: control characters (newlines, escape
 * sequences, bells) and the invisible bidirectional marks that reorder text are shown as `\uXXXX`.
 */
export function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028-\u202e\u2066-\u2069]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
