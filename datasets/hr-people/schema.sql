-- HR sample: departments, employees, monthly payroll and absences. Terse column names, as exported from an HR system.
CREATE TABLE main.hr.departments (
  dept_no BIGINT,
  dept_label STRING,
  div STRING,
  cost_ctr STRING
);

CREATE TABLE main.hr.employees (
  emp_key BIGINT,
  full_nm STRING,
  dept_ref BIGINT,
  grade STRING,
  hire_dt DATE,
  term_dt DATE,
  emp_type STRING,
  loc STRING
);

CREATE TABLE main.hr.payroll (
  pay_id BIGINT,
  emp_key BIGINT,
  pay_dt DATE,
  gross_amt DECIMAL(12,2),
  bonus_amt DECIMAL(12,2),
  pay_stat STRING
);

CREATE TABLE main.hr.absences (
  absence_id BIGINT,
  emp_key BIGINT,
  start_dt DATE,
  days_cnt INT,
  reason_cd STRING
);
