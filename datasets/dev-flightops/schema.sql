-- Development domain (not held out): a small commuter airline's operations log and revenue ledger.
CREATE TABLE main.fltops.stn_ref (
  stn_cd STRING,
  stn_nm STRING,
  zn STRING
);

CREATE TABLE main.fltops.acft_mst (
  acft_no STRING,
  ac_typ STRING,
  cfg_seats INT,
  dlv_dt DATE
);

CREATE TABLE main.fltops.opr_jnl (
  leg_id BIGINT,
  flt_no STRING,
  acft_no STRING,
  dep_stn STRING,
  arr_stn STRING,
  op_dt DATE,
  sch_blk INT,
  act_blk INT,
  pln_fuel DOUBLE,
  act_fuel DOUBLE,
  leg_st STRING
);

CREATE TABLE main.fltops.rev_ln (
  leg_id BIGINT,
  fare_cd STRING,
  pax_bkd INT,
  rev_amt DECIMAL(10,2)
);
