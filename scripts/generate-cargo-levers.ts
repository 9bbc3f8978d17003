/**
 * Generates datasets/cargo-levers deterministically: shipments booked at depots whose codes repeat across zones
 * (the depot key has two columns, named differently on each side), a service code that users call "express"
 * and a net fee computed from two columns. Its failures need a join spec, a filter snippet and a measure:
 * descriptions, synonyms, rules and examples alone cannot fix them (docs/levers.md).
 * schema.sql is written by hand, like the other samples'. Run: pnpm tsx scripts/generate-cargo-levers.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { csv, seededRandom, writeThinSpace } from './dataset-generation.ts';

const outDir = join(import.meta.dirname, '..', 'datasets', 'cargo-levers');
const { pick, weighted, day, money, rand } = seededRandom(19_2026);

const zones = ['NORTH', 'SOUTH', 'WEST'] as const;
const carriers = ['Kestrel', 'Bluefin', 'Harbor', 'Tidewell'] as const;
// depot codes D1..D3 exist in every zone: a depot is (depot_cd, zone)
const depots = zones.flatMap((zone, z) => ['D1', 'D2', 'D3'].map((code, i) => [code, zone, `Depot ${code} ${zone}`, carriers[(z * 3 + i) % carriers.length]] as const));

const shipments = Array.from({ length: 1200 }, (_, i) => {
  const depot = pick(depots);
  const gross = 20 + rand() * 380;
  const rebate = rand() < 0.35 ? gross * (0.05 + rand() * 0.25) : 0;
  return [900001 + i, depot[0], depot[1], day('2023-01-01', '2025-06-30'), Number((0.5 + rand() * 60).toFixed(1)), money(gross), money(rebate),
    weighted([['X1', 2], ['X2', 1], ['S1', 5], ['S2', 3]] as const)] as const;
});

mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'depots.csv'), csv(['depot_cd', 'zone', 'depot_label', 'carrier'], depots.map((d) => [...d])));
writeFileSync(join(outDir, 'shipments.csv'), csv(['shp_id', 'hub_cd', 'zone_cd', 'booked_on', 'weight', 'gross_fee', 'rebate_fee', 'svc_cd'], shipments.map((s) => [...s])));

const join2 = 'FROM main.cargo.shipments s JOIN main.cargo.depots d ON s.hub_cd = d.depot_cd AND s.zone_cd = d.zone';
const express = "svc_cd IN ('X1', 'X2')";
const questions: [string, string][] = [
  ['How many shipments were booked in 2024?', 'SELECT COUNT(*) AS shipments FROM main.cargo.shipments WHERE year(booked_on) = 2024'],
  ['How many depots are there?', 'SELECT COUNT(*) AS depots FROM main.cargo.depots'],
  ['What is the total weight of shipments in 2023?', 'SELECT SUM(weight) AS total_weight FROM main.cargo.shipments WHERE year(booked_on) = 2023'],
  ['What is the average weight of shipments in 2024?', 'SELECT AVG(weight) AS average_weight FROM main.cargo.shipments WHERE year(booked_on) = 2024'],
  ['What is the total weight by carrier?', `SELECT d.carrier, SUM(s.weight) AS total_weight ${join2} GROUP BY d.carrier`],
  ['How many shipments were booked by carrier in 2024?', `SELECT d.carrier, COUNT(*) AS shipments ${join2} WHERE year(s.booked_on) = 2024 GROUP BY d.carrier`],
  ['How many express shipments were booked in 2024?', `SELECT COUNT(*) AS shipments FROM main.cargo.shipments WHERE ${express} AND year(booked_on) = 2024`],
  ['What is the total weight of express shipments in 2023?', `SELECT SUM(weight) AS total_weight FROM main.cargo.shipments WHERE ${express} AND year(booked_on) = 2023`],
  ['How many express shipments were booked by carrier?', `SELECT d.carrier, COUNT(*) AS shipments ${join2} WHERE s.${express} GROUP BY d.carrier`],
  ['What was the net fee in 2024?', 'SELECT SUM(gross_fee - rebate_fee) AS net_fee FROM main.cargo.shipments WHERE year(booked_on) = 2024'],
  ['What is the net fee by carrier?', `SELECT d.carrier, SUM(s.gross_fee - s.rebate_fee) AS net_fee ${join2} GROUP BY d.carrier`],
  ['What was the net fee of express shipments in 2023?', `SELECT SUM(gross_fee - rebate_fee) AS net_fee FROM main.cargo.shipments WHERE ${express} AND year(booked_on) = 2023`],
];
writeThinSpace(outDir, { name: 'cargo-levers', title: 'Cargo', description: 'Shipments booked at depots of several carriers.', warehouseId: '5a1b2c3d4e5f6071', tables: ['main.cargo.depots', 'main.cargo.shipments'], questions });
process.stderr.write(`cargo-levers: ${depots.length} depots, ${shipments.length} shipments, ${questions.length} questions\n`);
