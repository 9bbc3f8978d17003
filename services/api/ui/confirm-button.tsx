import type { ComponentChildren } from 'preact';
import { useRef } from 'preact/hooks';

/** A button whose action runs only after the person confirms it in a modal dialog (Escape or Cancel backs out). */
export function ConfirmButton({ label, question, disabled, onConfirm, children, danger }: {
  label: string;
  question: string;
  disabled?: boolean;
  danger?: boolean;
  onConfirm: () => void;
  children?: ComponentChildren;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  return (
    <>
      <button type="button" class={danger ? 'danger' : ''} disabled={disabled} onClick={() => dialog.current?.showModal()}>{label}</button>
      <dialog ref={dialog} aria-label={`${label}?`}>
        <form method="dialog">
          <p>{question}</p>
          {children}
          <div class="dialog-buttons">
            <button value="cancel" type="submit" autoFocus>Cancel</button>
            <button value="confirm" type="submit" class={danger ? 'danger' : 'primary'} onClick={(e) => {
              e.preventDefault();
              dialog.current?.close();
              onConfirm();
            }}>{label}</button>
          </div>
        </form>
      </dialog>
    </>
  );
}
