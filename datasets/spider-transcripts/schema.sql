-- Spider database student_transcripts_tracking (tables and column names as in Spider; see README.md)
CREATE TABLE main.transcripts.addresses (
  address_id BIGINT,
  line_1 STRING,
  line_2 STRING,
  line_3 STRING,
  city STRING,
  zip_postcode STRING,
  state_province_county STRING,
  country STRING,
  other_address_details STRING
);

CREATE TABLE main.transcripts.courses (
  course_id BIGINT,
  course_name STRING,
  course_description STRING,
  other_details STRING
);

CREATE TABLE main.transcripts.departments (
  department_id BIGINT,
  department_name STRING,
  department_description STRING,
  other_details STRING
);

CREATE TABLE main.transcripts.degree_programs (
  degree_program_id BIGINT,
  department_id BIGINT,
  degree_summary_name STRING,
  degree_summary_description STRING,
  other_details STRING
);

CREATE TABLE main.transcripts.sections (
  section_id BIGINT,
  course_id BIGINT,
  section_name STRING,
  section_description STRING,
  other_details STRING
);

CREATE TABLE main.transcripts.semesters (
  semester_id BIGINT,
  semester_name STRING,
  semester_description STRING,
  other_details STRING
);

CREATE TABLE main.transcripts.students (
  student_id BIGINT,
  current_address_id BIGINT,
  permanent_address_id BIGINT,
  first_name STRING,
  middle_name STRING,
  last_name STRING,
  cell_mobile_number STRING,
  email_address STRING,
  ssn STRING,
  date_first_registered TIMESTAMP,
  date_left TIMESTAMP,
  other_student_details STRING
);

CREATE TABLE main.transcripts.student_enrolment (
  student_enrolment_id BIGINT,
  degree_program_id BIGINT,
  semester_id BIGINT,
  student_id BIGINT,
  other_details STRING
);

CREATE TABLE main.transcripts.student_enrolment_courses (
  student_course_id BIGINT,
  course_id BIGINT,
  student_enrolment_id BIGINT
);

CREATE TABLE main.transcripts.transcripts (
  transcript_id BIGINT,
  transcript_date TIMESTAMP,
  other_details STRING
);

CREATE TABLE main.transcripts.transcript_contents (
  student_course_id BIGINT,
  transcript_id BIGINT
);
