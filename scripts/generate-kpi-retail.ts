/**
 * Generates datasets/kpi-retail deterministically (seeded PRNG): a small retail KPI dataset whose fresh
 * space has cryptic column names and no descriptions, as many real spaces do.
 * Run: pnpm tsx scripts/generate-kpi-retail.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { csv, seededRandom } from './dataset-generation.ts';

const outDir = join(import.meta.dirname, '..', 'datasets', 'kpi-retail');

const { rand, pick, weighted, int, day, money } = seededRandom(20240601);

const regions = ['North', 'South', 'East', 'West'] as const;
const stores = Array.from({ length: 20 }, (_, i) => [i + 1, `Store ${String(i + 1).padStart(2, '0')}`, regions[i % 4], pick(['MALL', 'OUTLET', 'ONLINE'] as const), day('2015-01-01', '2023-12-31')] as const);

const categories = ['Electronics', 'Apparel', 'Home', 'Grocery', 'Toys'] as const;
const products = Array.from({ length: 60 }, (_, i) => {
  const cat = categories[i % 5];
  const base = { Electronics: 180, Apparel: 45, Home: 70, Grocery: 9, Toys: 30 }[cat];
  const price = base * (0.5 + rand() * 1.5);
  return [i + 1, `${cat.slice(0, 3).toUpperCase()}-${String(i + 1).padStart(3, '0')}`, cat, money(price * (0.45 + rand() * 0.25)), money(price)] as const;
});

const customers = Array.from({ length: 400 }, (_, i) => [
  1000 + i,
  `Customer ${1000 + i}`,
  weighted([['Consumer', 6], ['Corporate', 3], ['Small Business', 2]] as const),
  weighted([['Gold', 1], ['Silver', 3], ['Bronze', 6]] as const),
  day('2021-01-01', '2024-12-31'),
  pick(regions),
] as const);

const orderRows: (string | number | null)[][] = [];
for (let orderId = 500001; orderId <= 501600; orderId++) {
  const ordDt = day('2023-01-01', '2025-06-30');
  const customer = pick(customers);
  const store = pick(stores);
  const channel = store[3] === 'ONLINE' ? pick(['WEB', 'APP'] as const) : weighted([['STORE', 8], ['WEB', 1], ['APP', 1]] as const);
  const status = weighted([['COMPLETED', 85], ['CANCELLED', 8], ['RETURNED', 7]] as const);
  const lines = int(1, 4);
  for (let line = 1; line <= lines; line++) {
    const product = pick(products);
    const qty = int(1, 5);
    const gross = qty * Number(product[4]);
    const discount = rand() < 0.3 ? gross * (0.05 + rand() * 0.2) : 0;
    orderRows.push([orderId, line, ordDt, customer[0], store[0], product[0], qty, money(gross - discount), money(discount), status, channel]);
  }
}

mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'stores.csv'), csv(['store_id', 'store_nm', 'rgn', 'fmt_cd', 'open_dt'], stores.map((s) => [...s])));
writeFileSync(join(outDir, 'products.csv'), csv(['product_id', 'prod_nm', 'cat', 'unit_cost', 'list_price'], products.map((p) => [...p])));
writeFileSync(join(outDir, 'customers.csv'), csv(['customer_id', 'cust_nm', 'seg', 'tier', 'signup_dt', 'home_rgn'], customers.map((c) => [...c])));
writeFileSync(join(outDir, 'orders.csv'), csv(['order_id', 'line_no', 'ord_dt', 'cust_ref', 'store_id', 'product_id', 'qty', 'net_amt', 'disc_amt', 'stat', 'chnl'], orderRows));
process.stderr.write(`kpi-retail: ${stores.length} stores, ${products.length} products, ${customers.length} customers, ${orderRows.length} order lines\n`);
