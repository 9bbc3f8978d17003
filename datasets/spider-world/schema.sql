-- Spider database world_1 (tables and column names as in Spider; see README.md)
CREATE TABLE main.world.country (
  Code STRING,
  Name STRING,
  Continent STRING,
  Region STRING,
  SurfaceArea DOUBLE,
  IndepYear INT,
  Population BIGINT,
  LifeExpectancy DOUBLE,
  GNP DOUBLE,
  GNPOld DOUBLE,
  LocalName STRING,
  GovernmentForm STRING,
  HeadOfState STRING,
  Capital BIGINT,
  Code2 STRING
);

CREATE TABLE main.world.city (
  ID BIGINT,
  Name STRING,
  CountryCode STRING,
  District STRING,
  Population BIGINT
);

CREATE TABLE main.world.countrylanguage (
  CountryCode STRING,
  Language STRING,
  IsOfficial STRING,
  Percentage DOUBLE
);
