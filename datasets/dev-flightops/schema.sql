-- Development domain (not held out): a small commuter airline's operations log and revenue ledger.
CREATE TABLE main.fltops.stn_ref (
  stn_cd STRING,
  stn_nm STRING,
  zn STRING
);

CREATE TABLE main.fltops.tail_reg (
  tail_no STRING,
  ac_typ STRING,
  seat_cap INT,
  dlv_dt DATE
);

CREATE TABLE main.fltops.opr_log (
  leg_id BIGINT,
  flt_no STRING,
  tail_no STRING,
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
  fare_cls STRING,
  seats_sold INT,
  rev_amt DECIMAL(10,2)
);
