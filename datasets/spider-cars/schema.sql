-- Spider database car_1 (tables and column names as in Spider; see README.md)
CREATE TABLE main.cars.continents (
  ContId BIGINT,
  Continent STRING
);

CREATE TABLE main.cars.countries (
  CountryId BIGINT,
  CountryName STRING,
  Continent BIGINT
);

CREATE TABLE main.cars.car_makers (
  Id BIGINT,
  Maker STRING,
  FullName STRING,
  Country BIGINT
);

CREATE TABLE main.cars.model_list (
  ModelId BIGINT,
  Maker BIGINT,
  Model STRING
);

CREATE TABLE main.cars.car_names (
  MakeId BIGINT,
  Model STRING,
  Make STRING
);

CREATE TABLE main.cars.cars_data (
  Id BIGINT,
  MPG DOUBLE,
  Cylinders INT,
  Edispl DOUBLE,
  Horsepower INT,
  Weight INT,
  Accelerate DOUBLE,
  Year INT
);
