import { InputError } from './errors.ts';

/** SQL that is not one read-only query (SELECT, WITH … SELECT, VALUES); `field` names where it came from. */
export class UnsafeSqlError extends InputError {
  constructor(readonly field: string, readonly problem: string) {
    super(`${field} must be one read-only query (SELECT, WITH … SELECT or VALUES): ${problem}`);
  }
}
