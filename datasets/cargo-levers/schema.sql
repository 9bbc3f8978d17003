-- Cargo sample for the levers of issue 19 (join specs, SQL snippets): see scripts/generate-cargo-levers.ts.
CREATE TABLE main.cargo.depots (
  depot_cd STRING,
  zone STRING,
  depot_label STRING,
  carrier STRING
);

CREATE TABLE main.cargo.shipments (
  shp_id BIGINT,
  hub_cd STRING,
  zone_cd STRING,
  booked_on DATE,
  weight DOUBLE,
  gross_fee DECIMAL(10,2),
  rebate_fee DECIMAL(10,2),
  svc_cd STRING
);
