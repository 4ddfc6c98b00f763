// The search box in the top bar: Enter searches (the results page has its own
// address, /search?q=...); on focus it offers the operators.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { SEARCH_OPERATORS, withOperator } from '../model/search-operators';
import './search.css';

interface Props {
  /** the query being shown, when the results page is open */
  current: string;
  onSearch: (query: string) => void;
}

export function SearchBox({ current, onSearch }: Props) {
  const [query, setQuery] = useState(current);
  const [helping, setHelping] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => setQuery(current), [current]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!query.trim()) return;
    setHelping(false);
    onSearch(query.trim());
  };

  return (
    <form className="search-box" role="search" onSubmit={submit} onBlur={(e) => {
      if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setHelping(false);
    }}>
      <input
        ref={input}
        type="search"
        aria-label="Search mail"
        placeholder="Search mail (from:, is:unread, &quot;phrase&quot;…)"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        onFocus={() => setHelping(true)}
        onKeyDown={(e) => e.key === 'Escape' && setHelping(false)}
      />
      {helping && (
        <ul className="search-help" aria-label="Search operators">
          {SEARCH_OPERATORS.map((op) => (
            <li key={op.insert}>
              <button
                type="button"
                onClick={() => {
                  setQuery((q) => withOperator(q, op.insert));
                  input.current?.focus();
                }}
              >
                <code>{op.insert}</code> <span>{op.about}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </form>
  );
}
