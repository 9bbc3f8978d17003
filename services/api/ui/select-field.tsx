/** A labelled select whose options carry typed values (numbers stay numbers). */
export function SelectField<T extends string | number>({ label, name, value, options, onChange }: {
  label: string;
  name?: string;
  value: T;
  options: { value: T; label: string }[];
  onChange: (value: T) => void;
}) {
  return (
    <label>
      {label}
      <select name={name} value={String(value)} onChange={(e) => {
        const chosen = options.find((o) => String(o.value) === (e.currentTarget as HTMLSelectElement).value);
        if (chosen) onChange(chosen.value);
      }}>
        {options.map((o) => <option value={String(o.value)}>{o.label}</option>)}
      </select>
    </label>
  );
}

/** `all` (empty) and then each value as itself. */
export const anyOf = (values: string[], label = (v: string) => v) => [{ value: '', label: 'all' }, ...values.map((v) => ({ value: v, label: label(v) }))];
