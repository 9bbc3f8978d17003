-- Spider database flight_2 (tables and column names as in Spider; see README.md)
CREATE TABLE main.flights.airlines (
  uid BIGINT,
  Airline STRING,
  Abbreviation STRING,
  Country STRING
);

CREATE TABLE main.flights.airports (
  City STRING,
  AirportCode STRING,
  AirportName STRING,
  Country STRING,
  CountryAbbrev STRING
);

CREATE TABLE main.flights.flights (
  Airline BIGINT,
  FlightNo BIGINT,
  SourceAirport STRING,
  DestAirport STRING
);
