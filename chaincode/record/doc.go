// Package record holds metrotrace's ledger records — institutions,
// capabilities (CMCs), measurement standards, working instruments,
// certificates, comparisons and mutual-recognition agreements — with the
// validation every record passes before it is written, and the error
// vocabulary shared by the chaincode and the gateway.
//
// Field names and JSON tags follow the shared design and must not be renamed.
// Dates are "YYYY-MM-DD" strings, which compare correctly as strings once
// validated.
package record
