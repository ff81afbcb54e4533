// Small DOM helpers. Data only ever reaches the page as text nodes or textContent: scopes,
// names and audit details may contain markup, and none of it is ever parsed as HTML.

export const $ = (id) => {
  const node = document.getElementById(id);
  if (!node) throw new Error(`missing element #${id}`);
  return node;
};

/** el('td', { className: 'x', dataset: { label: 'Name' } }, 'text', childNode) */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key.startsWith('aria') || key === 'role' || key === 'datetime' || key === 'for') node.setAttribute(toAttr(key), value);
    else node[key] = value;
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return node;
}

function toAttr(key) {
  return key.startsWith('aria') && key !== 'aria' ? `aria-${key.slice(4).toLowerCase()}` : key;
}

/** Shows a message in a text element, or hides it when the message is empty. */
export function say(node, message) {
  node.textContent = message || '';
  // live regions with role=status stay in the page so screen readers announce changes
  node.hidden = node.getAttribute('role') === 'alert' && !message;
}

/** An ISO-8601 instant as the text "2026-11-29 17:00:05 UTC" (anything else as it came). */
export function utc(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** An ISO-8601 instant as "2026-11-29 17:00:05 UTC" inside a <time>; null as `none`. */
export function time(iso, none = 'never') {
  if (!iso) return el('span', { className: 'muted' }, none);
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return el('span', {}, String(iso));
  return el('time', { datetime: d.toISOString(), title: d.toLocaleString() }, utc(iso));
}

const UNITS = [[86_400, 'day'], [3_600, 'hour'], [60, 'minute'], [1, 'second']];

/** How far an instant is from now, roughly: "in 7 days", "3 hours ago". */
export function fromNow(iso) {
  const seconds = Math.round((Date.parse(iso) - Date.now()) / 1000);
  const [size, unit] = UNITS.find(([s]) => Math.abs(seconds) >= s) || UNITS[UNITS.length - 1];
  const n = Math.round(Math.abs(seconds) / size);
  const text = `${n} ${unit}${n === 1 ? '' : 's'}`;
  return seconds >= 0 ? `in ${text}` : `${text} ago`;
}

/** A row cell that keeps its column name for the stacked layout on narrow screens. */
export function cell(label, ...children) {
  return el('td', { dataset: { label } }, ...children);
}

export function scopeList(scopes) {
  if (!scopes || scopes.length === 0) return el('span', { className: 'muted' }, 'none');
  return el('ul', { className: 'scopes' }, scopes.map((s) => el('li', { className: 'scope' }, String(s))));
}

/** Disables a button while an async action runs, so a double click sends one request. */
export async function busy(button, action) {
  if (button.disabled) return undefined;
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try {
    return await action();
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
  }
}

/** Splits a space-separated scope string; RFC 6749 §3.3 scope-token characters only. */
export function parseScopes(text) {
  const scopes = [...new Set(text.split(/\s+/).filter(Boolean))];
  const bad = scopes.find((s) => !/^[\x21\x23-\x5B\x5D-\x7E]+$/.test(s));
  if (bad !== undefined) {
    return { error: `"${bad}" is not a valid scope: use printable ASCII without spaces, quotes or backslashes.` };
  }
  if (scopes.length > 64) return { error: 'A user may hold at most 64 scopes.' };
  return { scopes };
}

export function checkUsername(name) {
  if (!name) return 'Enter a name.';
  if (name.length > 64) return 'A name has at most 64 characters.';
  if (!/^[A-Za-z0-9][A-Za-z0-9._@-]*$/.test(name)) {
    return 'A name uses only letters, digits and . _ @ -, and starts with a letter or digit.';
  }
  return '';
}

export function checkSecret(secret) {
  const bytes = new TextEncoder().encode(secret).length;
  if (bytes < 12) return 'A secret has at least 12 characters. Use Generate for a strong one.';
  if (bytes > 1024) return 'A secret has at most 1024 bytes.';
  return '';
}
