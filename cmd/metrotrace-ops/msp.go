package main

import (
	"fmt"
	"io"
	"os"

	"github.com/metrotrace/metrotrace/network/ops"
)

// cmdMSP runs "metrotrace-ops msp": it gives MSP directories the layout
// every metrotrace MSP has (ops.WriteMSPLayout). scripts/network.sh and
// scripts/org.sh call it for each identity they enroll with
// fabric-ca-client, so the layout is written by one piece of code.
func cmdMSP(args []string, stdout, stderr io.Writer) (int, error) {
	var caFile, tlsCAFile string
	var quiet bool
	fs := newFlagSet("msp", stderr)
	fs.StringVar(&caFile, "ca-cert", "", "the organization's CA certificate, PEM (required)")
	fs.StringVar(&tlsCAFile, "tls-ca-cert", "", "its TLS CA certificate, PEM (default: --ca-cert)")
	fs.BoolVar(&quiet, "q", false, "print nothing on success")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: metrotrace-ops msp --ca-cert FILE [--tls-ca-cert FILE] [-q] MSPDIR...")
		fmt.Fprintln(stderr, "writes cacerts/ca.pem, tlscacerts/ca.pem and the NodeOUs config.yaml into each MSPDIR")
		fmt.Fprintln(stderr, "(created if missing), removing other CA certificates; signcerts/ and keystore/ stay.")
		fs.PrintDefaults()
	}
	dirs, err := parse(fs, args)
	if err != nil {
		return 0, flagError(err)
	}
	switch {
	case caFile == "":
		return 0, fmt.Errorf("%w: --ca-cert is required", errUsage)
	case len(dirs) == 0:
		return 0, fmt.Errorf("%w: name at least one MSP directory", errUsage)
	}
	caPEM, err := os.ReadFile(caFile)
	if err != nil {
		return 0, err
	}
	var tlsPEM []byte
	if tlsCAFile != "" {
		if tlsPEM, err = os.ReadFile(tlsCAFile); err != nil {
			return 0, err
		}
	}
	for _, d := range dirs {
		if err := ops.WriteMSPLayout(d, caPEM, tlsPEM); err != nil {
			return 0, err
		}
		if !quiet {
			fmt.Fprintf(stdout, "MSP layout written: %s\n", d)
		}
	}
	return exitOK, nil
}
