export { assertReadOnlyQuery, isReadOnlyQuery, readOnlyQueryProblem } from './read-only-sql.ts';
