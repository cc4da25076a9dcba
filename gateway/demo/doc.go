// Package demo generates metrotrace's demonstration dataset: a measurement
// traceability network that looks like Beijing, Tianjin and Hebei.
//
// NIM holds the national primary standards of mass, length, temperature,
// pressure and voltage; the three provincial institutes (BJIM, TJIM, HBIM)
// hold public standards calibrated by NIM; district and city institutes,
// accredited laboratories and authorized department stations hold standards
// calibrated by their provincial institute; enterprises hold enterprise and
// working standards and the working instruments of their plants, and the
// district institutes verify the instruments under compulsory verification
// (强检) of markets, clinics and boiler rooms. Certificates form chains of
// four to seven levels from a primary standard to an instrument.
// Inter-laboratory comparisons carry En values; an agreement among the
// three regions (AGR-JJJ-yyyy) supports mutual recognition of mass,
// pressure and temperature results.
//
// A few chains are broken on purpose (an expired reference certificate, a
// sealed standard, an uncertainty ratio of a verification above 1/3, an
// instrument overdue for verification) so that both verdicts show;
// [Showcase] names them, with the impact query and the recognition
// decisions worth showing.
//
// Every date is relative to the day passed to [Generate], so the verdicts
// hold whatever day the demo runs. Generation is deterministic: the same
// day gives the same dataset, byte for byte. Institution, company and
// product names other than the public metrology institutes are invented.
//
// [Dataset.Steps] turns the dataset into the chaincode calls that load it,
// in order, each with the identity that must submit it, so any ledger
// backend can load it.
package demo
