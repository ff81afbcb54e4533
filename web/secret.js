// Strong secrets for agents, and showing one exactly once.

/** 256 bits from the platform's CSPRNG, base64url without padding (43 characters). */
export function generateSecret() {
  const bytes = new Uint8Array(32);
  crypto.getRandomValues(bytes);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Copies an input's value; falls back to selecting it where the Clipboard API is missing
 * (it needs a secure context: https, or http on loopback). Resolves to a status sentence. */
export async function copyFrom(input) {
  try {
    await navigator.clipboard.writeText(input.value);
    return 'Copied to the clipboard.';
  } catch (e) {
    input.focus();
    input.select();
    return 'Could not reach the clipboard: the secret is selected, press Ctrl+C (or ⌘C) to copy it.';
  }
}

function setRevealed(input, button, on) {
  input.type = on ? 'text' : 'password';
  button.setAttribute('aria-pressed', String(on));
  button.textContent = on ? 'Hide' : 'Show';
}

/** Wires every [data-generate] and [data-reveal] button under `root`. */
export function wireSecretFields(root) {
  for (const button of root.querySelectorAll('[data-generate]')) {
    const input = document.getElementById(button.dataset.generate);
    const reveal = root.querySelector(`[data-reveal="${button.dataset.generate}"]`);
    button.addEventListener('click', () => {
      input.value = generateSecret();
      if (reveal) setRevealed(input, reveal, true);
      input.dispatchEvent(new Event('input', { bubbles: true }));
      input.focus();
    });
  }
  for (const button of root.querySelectorAll('[data-reveal]')) {
    const input = document.getElementById(button.dataset.reveal);
    button.addEventListener('click', () => setRevealed(input, button, input.type === 'password'));
  }
}

/** Clears a secret field and puts it back to hidden. */
export function resetSecretField(input) {
  input.value = '';
  input.type = 'password';
  const reveal = document.querySelector(`[data-reveal="${input.id}"]`);
  if (reveal) setRevealed(input, reveal, false);
}
