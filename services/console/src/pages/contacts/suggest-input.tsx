// A text input with suggestions from the API, as an ARIA combobox: typing lists matches, Arrow
// Down/Up move through them, Enter picks the one highlighted (a second Enter submits the form),
// Escape closes the list. A field error from the API is shown under it and marks it invalid.
import { type KeyboardEvent, useId, useRef, useState } from 'react';

interface SuggestInputProps {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  /** Suggestions for what is typed; a failed read suggests nothing (the write will say what is wrong). */
  suggest: (typed: string) => Promise<string[]>;
  /** The rule the API said this field broke, shown under it. */
  error?: string;
  disabled?: boolean;
}

export function SuggestInput({ id, label, value, onChange, suggest, error, disabled }: SuggestInputProps) {
  const listId = useId();
  const errorId = useId();
  const [options, setOptions] = useState<string[]>([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  // Answers can arrive out of order: only the one for the latest text is shown.
  const asked = useRef(0);

  async function refresh(typed: string) {
    const ticket = ++asked.current;
    const found = await suggest(typed).catch(() => [] as string[]);
    if (ticket !== asked.current) return;
    const shown = found.filter((s) => s !== typed);
    setOptions(shown);
    setActive(-1);
    setOpen(shown.length > 0);
  }

  function pick(option: string) {
    onChange(option);
    setOpen(false);
    setActive(-1);
    asked.current++;
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      if (!open) {
        void refresh(value);
        return;
      }
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setActive((i) => (i + step + options.length) % options.length);
    } else if (event.key === 'Enter' && open && active >= 0 && options[active] !== undefined) {
      event.preventDefault();
      pick(options[active]);
    } else if (event.key === 'Escape' && open) {
      event.preventDefault();
      setOpen(false);
      setActive(-1);
    }
  }

  const activeId = open && active >= 0 ? `${listId}-${active}` : undefined;
  return (
    <div className="suggest">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="text"
        role="combobox"
        autoComplete="off"
        aria-autocomplete="list"
        aria-expanded={open}
        aria-controls={listId}
        aria-activedescendant={activeId}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? errorId : undefined}
        value={value}
        disabled={disabled}
        onChange={(e) => {
          onChange(e.target.value);
          void refresh(e.target.value);
        }}
        onFocus={() => void refresh(value)}
        onBlur={() => setOpen(false)}
        onKeyDown={onKeyDown}
      />
      <ul id={listId} role="listbox" aria-label={`${label} suggestions`} className="suggest-list" hidden={!open}>
        {options.map((option, i) => (
          <li
            key={option}
            id={`${listId}-${i}`}
            role="option"
            aria-selected={i === active}
            // mousedown, not click: the input keeps the focus (a blur would close the list first).
            onMouseDown={(e) => {
              e.preventDefault();
              pick(option);
            }}
          >
            {option}
          </li>
        ))}
      </ul>
      {error && (
        <p id={errorId} className="field-error">
          {error}
        </p>
      )}
    </div>
  );
}
