// An in-page confirmation (a modal <dialog>): window.confirm cannot be styled, and it cannot
// name the thing at stake clearly.

import { $ } from './dom.js';

/** Resolves true when the person confirms. Cancel has the focus, so Enter does not destroy. */
export function confirmAction({ title, text, ok }) {
  const dialog = $('confirm-dialog');
  $('confirm-title').textContent = title;
  $('confirm-text').textContent = text;
  $('confirm-ok').textContent = ok;
  return new Promise((resolve) => {
    const form = $('confirm-form');
    const cancel = $('confirm-cancel');
    const done = (answer) => {
      form.removeEventListener('submit', onSubmit);
      cancel.removeEventListener('click', onCancel);
      dialog.removeEventListener('close', onClose);
      if (dialog.open) dialog.close();
      resolve(answer);
    };
    const onSubmit = (e) => { e.preventDefault(); done(true); };
    const onCancel = () => done(false);
    const onClose = () => done(false);
    form.addEventListener('submit', onSubmit);
    cancel.addEventListener('click', onCancel);
    dialog.addEventListener('close', onClose);
    dialog.showModal();
    cancel.focus();
  });
}
