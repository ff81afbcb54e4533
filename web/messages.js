// Turns an ApiError into a sentence for the person at the screen. `what` names the action,
// e.g. "create the user"; `overrides` maps a status (or "status code") to a sentence that
// knows the context, e.g. { 409: 'A user with that name already exists.' }.

function sentence(s) {
  const t = String(s || '').trim();
  if (!t) return '';
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

function wait(err) {
  return err.retryAfter !== undefined ? ` Try again in ${err.retryAfter} s.` : ' Try again shortly.';
}

export function describe(err, what, overrides = {}) {
  if (!err || err.status === undefined) {
    return `Could not ${what}: ${sentence(err && err.message) || 'an unexpected error occurred.'}`;
  }
  const special = overrides[`${err.status} ${err.code}`] || overrides[err.status];
  if (special) return typeof special === 'function' ? special(err) : special;
  const detail = sentence(err.description);
  switch (err.status) {
    case 0: return `Could not ${what}: the server could not be reached. Check that it is running.`;
    case 401: return `Could not ${what}: your session is no longer valid. Sign in again.`;
    case 403: return `Could not ${what}: this account lacks the admin scope.`;
    case 404: return `Could not ${what}: ${detail || 'the server does not know it (it may have been deleted).'}`;
    case 413: return `Could not ${what}: the request is too large.`;
    case 429: return `Could not ${what}: too many attempts.${wait(err)}`;
    case 500: return `Could not ${what}: the server hit an internal error (its log has the detail).`;
    case 503: return `Could not ${what}: the server is busy or its storage is unavailable.${wait(err)}`;
    default: return `Could not ${what}: ${detail || `the server answered ${err.status}.`}`;
  }
}
