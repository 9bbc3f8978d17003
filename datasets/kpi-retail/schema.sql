-- Retail KPI sample: one schema, four tables. Column names are deliberately terse, as in many real warehouses.
CREATE TABLE main.retail.stores (
  store_id BIGINT,
  store_nm STRING,
  rgn STRING,
  fmt_cd STRING,
  open_dt DATE
);

CREATE TABLE main.retail.products (
  product_id BIGINT,
  prod_nm STRING,
  cat STRING,
  unit_cost DECIMAL(10,2),
  list_price DECIMAL(10,2)
);

CREATE TABLE main.retail.customers (
  customer_id BIGINT,
  cust_nm STRING,
  seg STRING,
  tier STRING,
  signup_dt DATE,
  home_rgn STRING
);

CREATE TABLE main.retail.orders (
  order_id BIGINT,
  line_no INT,
  ord_dt DATE,
  cust_ref BIGINT,
  store_id BIGINT,
  product_id BIGINT,
  qty INT,
  net_amt DECIMAL(12,2),
  disc_amt DECIMAL(12,2),
  stat STRING,
  chnl STRING
);
