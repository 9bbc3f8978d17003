/**
 * Generates datasets/dev-maint deterministically: a development domain for the simulator's generality, shaped like
 * the domains its users bring rather than like the other samples: abbreviated column names, status codes nobody
 * spells out, a rule for excluded rows, a yes/no status derived from two columns of one row, a fiscal year that
 * starts in October, nouns for rows that differ from the table names, and unit words. Questions are phrased the way
 * different people would ask them. schema.sql is written by hand. Run: pnpm tsx scripts/generate-dev-maint.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { csv, seededRandom, writeThinSpace } from './dataset-generation.ts';

const outDir = join(import.meta.dirname, '..', 'datasets', 'dev-maint');
const { pick, weighted, int, day, money, rand } = seededRandom(7_3141);

const plants = [
  ['P01', 'Northfield', 'Coastal'], ['P02', 'Ashgrove', 'Inland'], ['P03', 'Brackwater', 'Coastal'], ['P04', 'Millbeck', 'Highland'],
  ['P05', 'Ravensholt', 'Inland'], ['P06', 'Quarrytop', 'Highland'], ['P07', 'Saltmarsh', 'Coastal'], ['P08', 'Elmridge', 'Inland'],
] as const;
const classes = ['PUMP', 'CONVEYOR', 'BOILER', 'PRESS', 'CHILLER'] as const;
const assets = Array.from({ length: 120 }, (_, i) => {
  const cls = pick(classes);
  return [5001 + i, `${cls.charAt(0)}${cls.slice(1).toLowerCase()} unit ${100 + i}`, cls, pick(plants)[0], day('2012-01-01', '2023-12-31')] as const;
});

const addDays = (date: string, days: number) => new Date(Date.parse(date) + days * 86_400_000).toISOString().slice(0, 10);
const orders = Array.from({ length: 1500 }, (_, i) => {
  const reported = day('2022-10-01', '2025-03-31');
  const prio = weighted([[1, 2], [2, 4], [3, 5], [4, 3]] as const);
  const target = addDays(reported, [2, 5, 10, 20][prio - 1]);
  const status = weighted([['CL', 14], ['OP', 2], ['CX', 3]] as const);
  const finished = status === 'CL' ? addDays(reported, Math.max(0, Math.round(([2, 5, 10, 20][prio - 1]) * (0.4 + rand() * 1.1)))) : null;
  return [700001 + i, pick(assets)[0], reported, target, finished, Number((1 + rand() * 15).toFixed(1)), status, prio] as const;
});

const techs = ['T-AH', 'T-BK', 'T-CM', 'T-DL', 'T-EW', 'T-FR', 'T-GS'] as const;
const lines = orders.flatMap((o) => {
  if (o[6] === 'CX' && rand() < 0.7) return [];
  const count = int(1, 4);
  return Array.from({ length: count }, () => {
    const hours = Number((0.5 + rand() * 6).toFixed(1));
    return [o[0], pick(techs), o[4] ?? addDays(o[2], int(0, 3)), hours, money(hours * (38 + rand() * 30))] as const;
  });
}).map((l, i) => [900001 + i, ...l] as const);

mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'plant_ref.csv'), csv(['plant_cd', 'plant_nm', 'rgn'], plants.map((p) => [...p])));
writeFileSync(join(outDir, 'asset_mstr.csv'), csv(['ast_no', 'ast_nm', 'ast_cls', 'plant_cd', 'comm_dt'], assets.map((a) => [...a])));
writeFileSync(join(outDir, 'wo_hdr.csv'), csv(['wo_no', 'ast_no', 'rpt_dt', 'tgt_dt', 'fin_dt', 'est_hrs', 'wo_st', 'prio'], orders.map((o) => [...o])));
writeFileSync(join(outDir, 'lbr_ln.csv'), csv(['ln_id', 'wo_no', 'tech_cd', 'wrk_dt', 'hrs', 'amt'], lines.map((l) => [...l])));

const T = (name: string) => `main.maint.${name}`;
const live = "wo_st <> 'CX'";
const late = 'fin_dt > tgt_dt';
const fy = (year: number, column: string) => `${column} >= DATE '${year - 1}-10-01' AND ${column} < DATE '${year}-10-01'`;
const questions: [string, string][] = [
  ['How many jobs were reported in 2024?', `SELECT COUNT(*) FROM ${T('wo_hdr')} WHERE ${live} AND year(rpt_dt) = 2024`],
  ['How many work orders were finished late in 2024?', `SELECT COUNT(*) FROM ${T('wo_hdr')} WHERE ${live} AND ${late} AND year(fin_dt) = 2024`],
  ['What share of closed work orders were late?', `SELECT AVG(CASE WHEN ${late} THEN 1.0 ELSE 0.0 END) FROM ${T('wo_hdr')} WHERE wo_st = 'CL'`],
  ['How many labour hours were booked in each month of 2024?', `SELECT month(wrk_dt) AS mon, SUM(hrs) FROM ${T('lbr_ln')} WHERE year(wrk_dt) = 2024 GROUP BY month(wrk_dt)`],
  ['What was the labour cost per month in 2023?', `SELECT month(wrk_dt) AS mon, SUM(amt) FROM ${T('lbr_ln')} WHERE year(wrk_dt) = 2023 GROUP BY month(wrk_dt)`],
  ['How many machines does each plant have?', `SELECT p.plant_nm, COUNT(*) FROM ${T('asset_mstr')} a JOIN ${T('plant_ref')} p ON a.plant_cd = p.plant_cd GROUP BY p.plant_nm`],
  ['How many machines are there?', `SELECT COUNT(*) FROM ${T('asset_mstr')}`],
  ['How many hours were worked in fiscal year 2024?', `SELECT SUM(hrs) FROM ${T('lbr_ln')} WHERE ${fy(2024, 'wrk_dt')}`],
  ['What did labour cost us in fiscal 2023?', `SELECT SUM(amt) FROM ${T('lbr_ln')} WHERE ${fy(2023, 'wrk_dt')}`],
  ['What is the average estimated hours per job by priority?', `SELECT prio, AVG(est_hrs) FROM ${T('wo_hdr')} WHERE ${live} GROUP BY prio`],
  ['How many work orders are there in each status?', `SELECT wo_st, COUNT(*) FROM ${T('wo_hdr')} GROUP BY wo_st`],
  ['How many tickets were raised altogether, cancelled ones included?', `SELECT COUNT(*) FROM ${T('wo_hdr')}`],
  ['How many jobs were cancelled in 2023?', `SELECT COUNT(*) FROM ${T('wo_hdr')} WHERE wo_st = 'CX' AND year(rpt_dt) = 2023`],
  ['Which 3 plants had the most late jobs?', `SELECT p.plant_nm, COUNT(*) AS late_jobs FROM ${T('wo_hdr')} w JOIN ${T('asset_mstr')} a ON w.ast_no = a.ast_no JOIN ${T('plant_ref')} p ON a.plant_cd = p.plant_cd WHERE w.${live} AND w.${late} GROUP BY p.plant_nm ORDER BY late_jobs DESC LIMIT 3`],
  ['How many overdue work orders were there for each asset class?', `SELECT a.ast_cls, COUNT(*) FROM ${T('wo_hdr')} w JOIN ${T('asset_mstr')} a ON w.ast_no = a.ast_no WHERE w.${live} AND w.${late} GROUP BY a.ast_cls`],
  ['What is the average number of hours per labour entry?', `SELECT AVG(hrs) FROM ${T('lbr_ln')}`],
  ['How many time bookings did each technician make in 2024?', `SELECT tech_cd, COUNT(*) FROM ${T('lbr_ln')} WHERE year(wrk_dt) = 2024 GROUP BY tech_cd`],
  ['What share of jobs reported in 2024 were priority 1?', `SELECT AVG(CASE WHEN prio = 1 THEN 1.0 ELSE 0.0 END) FROM ${T('wo_hdr')} WHERE ${live} AND year(rpt_dt) = 2024`],
  ['How many machines were commissioned each year?', `SELECT year(comm_dt) AS yr, COUNT(*) FROM ${T('asset_mstr')} GROUP BY year(comm_dt)`],
  ['What was the total labour cost by region in 2024?', `SELECT p.rgn, SUM(l.amt) FROM ${T('lbr_ln')} l JOIN ${T('wo_hdr')} w ON l.wo_no = w.wo_no JOIN ${T('asset_mstr')} a ON w.ast_no = a.ast_no JOIN ${T('plant_ref')} p ON a.plant_cd = p.plant_cd WHERE year(l.wrk_dt) = 2024 GROUP BY p.rgn`],
  ['How many jobs were finished on time in 2023?', `SELECT COUNT(*) FROM ${T('wo_hdr')} WHERE ${live} AND fin_dt <= tgt_dt AND year(fin_dt) = 2023`],
  ['In which month of 2024 were the most jobs reported?', `SELECT month(rpt_dt) AS mon, COUNT(*) AS jobs FROM ${T('wo_hdr')} WHERE ${live} AND year(rpt_dt) = 2024 GROUP BY month(rpt_dt) ORDER BY jobs DESC LIMIT 1`],
  ['How many jobs were reported per plant in fiscal year 2025?', `SELECT p.plant_nm, COUNT(*) FROM ${T('wo_hdr')} w JOIN ${T('asset_mstr')} a ON w.ast_no = a.ast_no JOIN ${T('plant_ref')} p ON a.plant_cd = p.plant_cd WHERE w.${live} AND ${fy(2025, 'w.rpt_dt')} GROUP BY p.plant_nm`],
  ['What is the total estimated effort in hours of open jobs?', `SELECT SUM(est_hrs) FROM ${T('wo_hdr')} WHERE wo_st = 'OP'`],
];
writeThinSpace(outDir, { name: 'dev-maint', title: 'Plant maintenance', description: 'Work orders on plant machines and the labour booked against them.', warehouseId: '5a1b2c3d4e5f6071', tables: ['asset_mstr', 'lbr_ln', 'plant_ref', 'wo_hdr'].map(T), questions });
process.stderr.write(`dev-maint: ${assets.length} assets, ${orders.length} work orders, ${lines.length} labour lines, ${questions.length} questions\n`);
