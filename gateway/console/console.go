// Package console is metrotrace's web console: static HTML, CSS and plain
// JavaScript, embedded in the binary and served by the HTTP gateway at /
// (httpapi.Config.ConsoleFS). There is no build step and nothing is loaded
// from elsewhere, so the console works on an offline network.
//
// The console talks to the public JSON API under /api/v1 with the bearer
// token the user pastes (kept in the browser's localStorage). Its views:
// search, a record with its history, trace up to a primary standard and
// impact down from a standard (each with the gateway's picture, graph.svg,
// a printable report and a CSV export), cross-region recognition of a
// certificate, and verification of a certificate file; record pages with
// what matters of each kind (an instrument's calibration history, current
// certificate, next due date and today's verdict; a standard's
// certificates, what it calibrated, its status timeline and approval; an
// institution's standards, instruments, capabilities, accreditations and
// agreements; a warning on a certificate issued against a sealed or revoked
// reference), the supervision dashboard and the page of an
// out-of-tolerance case (pages.js, supervision.js); for recorders, the
// forms that write records and the actions on their own records
// (forms.js), whose every field error is shown by its field. The console
// speaks 中文 (the default) or English, switched in the header and remembered in
// localStorage; record data is shown as stored.
package console

import (
	"embed"
	"io/fs"
)

//go:embed static
var static embed.FS

// FS returns the console's files, rooted so that index.html is at the top.
func FS() fs.FS {
	sub, err := fs.Sub(static, "static")
	if err != nil {
		// fs.Sub fails only on an invalid path, and "static" is valid.
		panic(err)
	}
	return sub
}
