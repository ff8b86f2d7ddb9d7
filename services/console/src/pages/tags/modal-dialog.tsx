// A modal dialog on the browser's own <dialog>: showModal() makes the rest of the page inert (focus
// stays inside), Escape closes it, and focus goes back to the control that opened it.
import { type ReactNode, useEffect, useId, useRef } from 'react';

export function ModalDialog({ title, onClose, children }: { title: string; onClose: () => void; children: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();

  useEffect(() => {
    const dialog = ref.current;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (dialog && !dialog.open) dialog.showModal();
    return () => {
      if (dialog?.open) dialog.close();
      // The opener may be gone (the row of a deleted tag): then the screen's main region.
      if (opener?.isConnected) opener.focus();
      else document.getElementById('content')?.focus();
    };
  }, []);

  return (
    <dialog
      ref={ref}
      className="modal-dialog"
      aria-labelledby={titleId}
      onCancel={(event) => {
        // Escape: the owner decides (it unmounts the dialog), so React's state stays the truth.
        event.preventDefault();
        onClose();
      }}
    >
      <h2 id={titleId}>{title}</h2>
      {children}
    </dialog>
  );
}
