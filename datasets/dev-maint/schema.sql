-- Development domain (not held out): plant maintenance work orders, as exported from a maintenance system.
CREATE TABLE main.maint.plant_ref (
  plant_cd STRING,
  plant_nm STRING,
  rgn STRING
);

CREATE TABLE main.maint.asset_mstr (
  ast_no BIGINT,
  ast_nm STRING,
  ast_cls STRING,
  plant_cd STRING,
  comm_dt DATE
);

CREATE TABLE main.maint.wo_hdr (
  wo_no BIGINT,
  ast_no BIGINT,
  rpt_dt DATE,
  tgt_dt DATE,
  fin_dt DATE,
  est_hrs DOUBLE,
  wo_st STRING,
  prio INT
);

CREATE TABLE main.maint.lbr_ln (
  ln_id BIGINT,
  wo_no BIGINT,
  tech_cd STRING,
  wrk_dt DATE,
  hrs DOUBLE,
  amt DECIMAL(10,2)
);
