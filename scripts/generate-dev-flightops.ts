/**
 * Generates datasets/dev-flightops deterministically: a second development domain for the simulator's generality
 * (a commuter airline's operations log and revenue ledger). Like dev-maint it is shaped like the domains users bring:
 * abbreviated names, status codes, excluded rows (cancelled legs), two yes/no states each defined by two columns of one
 * row (a leg that ran over its scheduled block time; a leg that burned more fuel than planned), a fiscal year starting in
 * April, nouns for rows that differ from the table names (flights, sectors, departures), unit words (minutes, kilograms,
 * seats), a ledger whose rows are one per leg and fare class. Questions are phrased the way different people would ask
 * them. schema.sql is written by hand. Run: pnpm tsx scripts/generate-dev-flightops.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { csv, seededRandom, writeThinSpace } from './dataset-generation.ts';

const outDir = join(import.meta.dirname, '..', 'datasets', 'dev-flightops');
const { pick, weighted, int, day, money, rand } = seededRandom(4_2417);

const stations = [
  ['KRN', 'Karnby', 'North'], ['LOV', 'Lovik', 'North'], ['HSL', 'Hasselo', 'North'], ['SKE', 'Skerholm', 'West'],
  ['BRA', 'Brannfors', 'West'], ['TVA', 'Tvaraby', 'West'], ['ODS', 'Odsmark', 'South'], ['VIK', 'Viksund', 'South'],
  ['MOR', 'Morrum', 'South'], ['FJA', 'Fjallnas', 'East'],
] as const;
const types = [['T19', 19, 0.4], ['D50', 50, 0.9], ['A72', 70, 1.3]] as const;
const tails = Array.from({ length: 24 }, (_, i) => {
  const t = weighted<(typeof types)[number]>([[types[0], 3], [types[1], 5], [types[2], 2]]);
  return [`SE-K${String.fromCharCode(65 + (i % 26))}${String.fromCharCode(65 + ((i * 7) % 26))}`, t[0], t[1], day('2008-01-01', '2023-12-31')] as const;
});
const typeOf = (tail: string) => types.find((t) => t[0] === tails.find((a) => a[0] === tail)![1])!;

const legs = Array.from({ length: 900 }, (_, i) => {
  const dep = pick(stations);
  let arr = pick(stations);
  while (arr[0] === dep[0]) arr = pick(stations);
  const tail = pick(tails);
  const sch = 5 * int(7, 30);
  const status = weighted([['FL', 17], ['CN', 2], ['DV', 1]] as const);
  const flown = status !== 'CN';
  const act = flown ? sch + int(-12, status === 'DV' ? 60 : 22) : null;
  const plan = Math.round(sch * 8 * typeOf(tail[0])[2]);
  const burned = act === null ? null : Math.round(plan * (0.88 + rand() * 0.22) * (act / sch));
  return [800001 + i, `KX${int(100, 160)}`, tail[0], dep[0], arr[0], day('2022-04-01', '2025-03-31'), sch, act, plan, burned, status] as const;
});

const classes = [['J', 0.12, 3.1], ['Y', 0.68, 1], ['D', 0.2, 0.7]] as const;
const revenue = legs.filter((l) => l[10] !== 'CN').flatMap((l) => {
  const cap = typeOf(l[2])[1];
  const load = 0.35 + rand() * 0.6;
  return classes.flatMap(([cls, share, yieldFactor]) => {
    const seats = Math.round(cap * load * share * (0.6 + rand() * 0.8));
    if (seats === 0) return [];
    return [[l[0], cls, seats, money(seats * l[6] * 0.9 * yieldFactor * (0.8 + rand() * 0.4))] as const];
  });
});

mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'stn_ref.csv'), csv(['stn_cd', 'stn_nm', 'zn'], stations.map((s) => [...s])));
writeFileSync(join(outDir, 'acft_mst.csv'), csv(['acft_no', 'ac_typ', 'cfg_seats', 'dlv_dt'], tails.map((t) => [...t])));
writeFileSync(join(outDir, 'opr_jnl.csv'), csv(['leg_id', 'flt_no', 'acft_no', 'dep_stn', 'arr_stn', 'op_dt', 'sch_blk', 'act_blk', 'pln_fuel', 'act_fuel', 'leg_st'], legs.map((l) => [...l])));
writeFileSync(join(outDir, 'rev_ln.csv'), csv(['leg_id', 'fare_cd', 'pax_bkd', 'rev_amt'], revenue.map((r) => [...r])));

const T = (name: string) => `main.fltops.${name}`;
const live = "leg_st <> 'CN'";
const overran = 'act_blk > sch_blk';
const overburn = 'act_fuel > pln_fuel';
const fy = (year: number, column: string) => `${column} >= DATE '${year - 1}-04-01' AND ${column} < DATE '${year}-04-01'`;
const questions: [string, string][] = [
  ['How many flights did we operate in 2024?', `SELECT COUNT(*) FROM ${T('opr_jnl')} WHERE ${live} AND year(op_dt) = 2024`],
  ['Number of departures per station in fiscal year 2024', `SELECT s.stn_nm, COUNT(*) FROM ${T('opr_jnl')} o JOIN ${T('stn_ref')} s ON o.dep_stn = s.stn_cd WHERE o.${live} AND ${fy(2024, 'o.op_dt')} GROUP BY s.stn_nm`],
  ['how many flights ran over their scheduled block time in 2023', `SELECT COUNT(*) FROM ${T('opr_jnl')} WHERE ${live} AND ${overran} AND year(op_dt) = 2023`],
  ['What percentage of sectors flown in 2024 came in over schedule?', `SELECT AVG(CASE WHEN ${overran} THEN 1.0 ELSE 0.0 END) FROM ${T('opr_jnl')} WHERE ${live} AND year(op_dt) = 2024`],
  ['What fraction of all scheduled flights in 2023 were cancelled?', `SELECT AVG(CASE WHEN leg_st = 'CN' THEN 1.0 ELSE 0.0 END) FROM ${T('opr_jnl')} WHERE year(op_dt) = 2023`],
  ['How many flights were on the schedule in total, including the cancelled ones?', `SELECT COUNT(*) FROM ${T('opr_jnl')}`],
  ['How many passengers did we carry in each month of 2024?', `SELECT month(o.op_dt) AS mon, SUM(r.pax_bkd) FROM ${T('rev_ln')} r JOIN ${T('opr_jnl')} o ON r.leg_id = o.leg_id WHERE year(o.op_dt) = 2024 GROUP BY month(o.op_dt)`],
  ['Fuel burned per month in 2023?', `SELECT month(op_dt) AS mon, SUM(act_fuel) FROM ${T('opr_jnl')} WHERE ${live} AND year(op_dt) = 2023 GROUP BY month(op_dt)`],
  ['Which month of 2024 had the most flights?', `SELECT month(op_dt) AS mon, COUNT(*) AS flights FROM ${T('opr_jnl')} WHERE ${live} AND year(op_dt) = 2024 GROUP BY month(op_dt) ORDER BY flights DESC LIMIT 1`],
  ['How many aircraft do we have?', `SELECT COUNT(*) FROM ${T('acft_mst')}`],
  ['How many planes of each type are in the fleet?', `SELECT ac_typ, COUNT(*) FROM ${T('acft_mst')} GROUP BY ac_typ`],
  ['Total seats by aircraft type', `SELECT ac_typ, SUM(cfg_seats) FROM ${T('acft_mst')} GROUP BY ac_typ`],
  ['How many minutes were flown in fiscal 2024?', `SELECT SUM(act_blk) FROM ${T('opr_jnl')} WHERE ${live} AND ${fy(2024, 'op_dt')}`],
  ['What was our ticket revenue in FY2025?', `SELECT SUM(r.rev_amt) FROM ${T('rev_ln')} r JOIN ${T('opr_jnl')} o ON r.leg_id = o.leg_id WHERE ${fy(2025, 'o.op_dt')}`],
  ['How many seats were sold in each fare class?', `SELECT fare_cd, SUM(pax_bkd) FROM ${T('rev_ln')} GROUP BY fare_cd`],
  ['Top 3 arrival stations by number of late flights', `SELECT s.stn_nm, COUNT(*) AS late_flights FROM ${T('opr_jnl')} o JOIN ${T('stn_ref')} s ON o.arr_stn = s.stn_cd WHERE o.${live} AND o.${overran} GROUP BY s.stn_nm ORDER BY late_flights DESC LIMIT 3`],
  ['How many flights were there per aircraft type in 2024?', `SELECT t.ac_typ, COUNT(*) FROM ${T('opr_jnl')} o JOIN ${T('acft_mst')} t ON o.acft_no = t.acft_no WHERE o.${live} AND year(o.op_dt) = 2024 GROUP BY t.ac_typ`],
  ['Share of 2024 revenue that came from business class (J)?', `SELECT SUM(CASE WHEN r.fare_cd = 'J' THEN r.rev_amt ELSE 0 END) / SUM(r.rev_amt) FROM ${T('rev_ln')} r JOIN ${T('opr_jnl')} o ON r.leg_id = o.leg_id WHERE year(o.op_dt) = 2024`],
  ['How many legs were cancelled in 2024?', `SELECT COUNT(*) FROM ${T('opr_jnl')} WHERE leg_st = 'CN' AND year(op_dt) = 2024`],
  ['How many kilograms of fuel did each zone\'s departures burn in 2024?', `SELECT s.zn, SUM(o.act_fuel) FROM ${T('opr_jnl')} o JOIN ${T('stn_ref')} s ON o.dep_stn = s.stn_cd WHERE o.${live} AND year(o.op_dt) = 2024 GROUP BY s.zn`],
  ['How many aircraft were delivered each year?', `SELECT year(dlv_dt) AS yr, COUNT(*) FROM ${T('acft_mst')} GROUP BY year(dlv_dt)`],
  ['How many flights burned more fuel than planned in fiscal 2025?', `SELECT COUNT(*) FROM ${T('opr_jnl')} WHERE ${live} AND ${overburn} AND ${fy(2025, 'op_dt')}`],
  ['what proportion of diverted flights overburned', `SELECT AVG(CASE WHEN ${overburn} THEN 1.0 ELSE 0.0 END) FROM ${T('opr_jnl')} WHERE leg_st = 'DV'`],
  ['How many flights are in each status?', `SELECT leg_st, COUNT(*) FROM ${T('opr_jnl')} GROUP BY leg_st`],
  ['Average block minutes per sector, by aircraft type', `SELECT t.ac_typ, AVG(o.act_blk) FROM ${T('opr_jnl')} o JOIN ${T('acft_mst')} t ON o.acft_no = t.acft_no WHERE o.${live} GROUP BY t.ac_typ`],
  ['Revenue for each month of 2023', `SELECT month(o.op_dt) AS mon, SUM(r.rev_amt) FROM ${T('rev_ln')} r JOIN ${T('opr_jnl')} o ON r.leg_id = o.leg_id WHERE year(o.op_dt) = 2023 GROUP BY month(o.op_dt)`],
];
writeThinSpace(outDir, { name: 'dev-flightops', title: 'Flight operations', description: 'Operated legs of a commuter airline and the revenue booked on them.', warehouseId: '6b2c3d4e5f607182', tables: ['acft_mst', 'opr_jnl', 'rev_ln', 'stn_ref'].map(T), questions });
process.stderr.write(`dev-flightops: ${tails.length} aircraft, ${legs.length} legs, ${revenue.length} revenue lines, ${questions.length} questions\n`);
