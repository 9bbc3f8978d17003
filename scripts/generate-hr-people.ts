/**
 * Generates datasets/hr-people deterministically: an HR domain (departments, employees, payroll, absences)
 * with terse column names, a reversal status that must be excluded and an April fiscal year.
 * Run: pnpm tsx scripts/generate-hr-people.ts
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { csv, seededRandom } from './dataset-generation.ts';

const outDir = join(import.meta.dirname, '..', 'datasets', 'hr-people');
const { rand, pick, weighted, int, day, money } = seededRandom(7_2025);

const divisions = ['Engineering', 'Sales', 'Operations', 'Corporate'] as const;
const departments = Array.from({ length: 12 }, (_, i) => [10 + i, `Department ${String.fromCharCode(65 + i)}`, divisions[i % 4], `CC-${400 + i}`] as const);

const employees = Array.from({ length: 300 }, (_, i) => {
  const hire = day('2015-01-01', '2025-03-31');
  const leaves = rand() < 0.15;
  return [
    70000 + i,
    `Employee ${70000 + i}`,
    pick(departments)[0],
    weighted([['G1', 3], ['G2', 4], ['G3', 3], ['G4', 2], ['G5', 1]] as const),
    hire,
    leaves ? day(hire < '2024-01-01' ? '2024-01-01' : hire, '2025-06-30') : null,
    weighted([['FULL_TIME', 8], ['CONTRACTOR', 2], ['INTERN', 1]] as const),
    pick(['London', 'Berlin', 'Austin', 'Singapore'] as const),
  ] as const;
});

const payroll: (string | number | null)[][] = [];
let payId = 1;
for (let month = 0; month < 30; month++) {
  const date = new Date(Date.UTC(2023, month, 28)).toISOString().slice(0, 10);
  for (const e of employees) {
    if (e[4] > date || (e[5] && e[5] < date)) continue;
    const base = { G1: 3200, G2: 4100, G3: 5300, G4: 6900, G5: 9100 }[e[3]] * (0.9 + rand() * 0.2);
    const bonus = month % 12 === 11 && rand() < 0.6 ? base * (0.1 + rand() * 0.4) : 0;
    payroll.push([payId++, e[0], date, money(base), money(bonus), weighted([['PAID', 97], ['REVERSED', 3]] as const)]);
  }
}

const absences = Array.from({ length: 900 }, (_, i) => {
  const e = pick(employees);
  return [i + 1, e[0], day('2023-01-01', '2025-06-30'), int(1, 10), weighted([['SICK', 4], ['VACATION', 6], ['PARENTAL', 1], ['TRAINING', 2]] as const)];
});

writeFileSync(join(outDir, 'departments.csv'), csv(['dept_no', 'dept_label', 'div', 'cost_ctr'], departments.map((d) => [...d])));
writeFileSync(join(outDir, 'employees.csv'), csv(['emp_key', 'full_nm', 'dept_ref', 'grade', 'hire_dt', 'term_dt', 'emp_type', 'loc'], employees.map((e) => [...e])));
writeFileSync(join(outDir, 'payroll.csv'), csv(['pay_id', 'emp_key', 'pay_dt', 'gross_amt', 'bonus_amt', 'pay_stat'], payroll));
writeFileSync(join(outDir, 'absences.csv'), csv(['absence_id', 'emp_key', 'start_dt', 'days_cnt', 'reason_cd'], absences));
process.stderr.write(`hr-people: ${departments.length} departments, ${employees.length} employees, ${payroll.length} payroll rows, ${absences.length} absences\n`);
