export { identifierStems, isStopword, quoteSqlString, shortName, stems } from './text.ts';
export { monthName } from './instructions.ts';
