export { COPULAS, identifierStems, isParticiple, isStopword, quoteSqlString, shortName, stem, stems, words } from './text.ts';
export { monthName } from './instructions.ts';
