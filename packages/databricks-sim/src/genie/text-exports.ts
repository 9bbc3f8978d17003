export { identifierStems, quoteSqlString, shortName, stems } from './text.ts';
export { monthName } from './instructions.ts';
