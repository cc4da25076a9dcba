// Command benchcc is the raw baseline of metrotrace's network benchmark: a
// trivial chaincode whose Put(key, value) writes one key and nothing else
// (no validation, no indexes, no events, no key-level policy), served as a
// chaincode service (CCaaS) with the plain fabric-chaincode-go/v2 shim, no
// contract API. cmd/metrotrace-bench compares metrotrace's own write
// throughput on the same network against it.
//
// Deploy it next to metrotrace with
//
//	scripts/network.sh deploy --name benchput --path ./network/benchcc
//
// It reads the same settings as cmd/metrotrace-cc: CHAINCODE_SERVER_ADDRESS
// (--address), CHAINCODE_ID (--id), and for mutual TLS with the peer
// CHAINCODE_TLS_CERT, CHAINCODE_TLS_KEY and CHAINCODE_TLS_CLIENT_CA.
//
// Functions:
//
//	Put(key, value)  writes value under key; returns nothing
//	PutFootprint(key, value, mspID)
//	                 what IssueCertificate asks of the peer for one
//	                 certificate, without its checks, JSON decoding or
//	                 contract API: reads key and three other keys, writes
//	                 value under key and three index keys, sets key's
//	                 key-level policy to "a peer of mspID", emits the value
//	                 as an event and answers it; the benchmark's middle
//	                 baseline, so the state footprint and the chaincode's
//	                 own work are measured apart
//	Get(key)         returns the value (empty if absent)
//	org.hyperledger.fabric:GetMetadata
//	                 a small JSON description, so the deploy script's
//	                 reachability check works as for contract-API chaincodes
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/hyperledger/fabric-chaincode-go/v2/pkg/statebased"
	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"

	"github.com/metrotrace/metrotrace/chaincode/ccserver"
)

// PutChaincode is the trivial put chaincode.
type PutChaincode struct{}

// metadata is what GetMetadata returns.
const metadata = `{"info":{"title":"benchput","version":"1"},"contracts":{"benchput":{"name":"benchput","transactions":[{"name":"Put"},{"name":"PutFootprint"},{"name":"Get"}]}}}`

// Init does nothing: the chaincode has no state to set up.
func (PutChaincode) Init(shim.ChaincodeStubInterface) *peer.Response { return shim.Success(nil) }

// Invoke dispatches Put, Get and GetMetadata.
func (PutChaincode) Invoke(stub shim.ChaincodeStubInterface) *peer.Response {
	fn, args := stub.GetFunctionAndParameters()
	switch fn {
	case "Put":
		if len(args) != 2 {
			return shim.Error(fmt.Sprintf("Put takes 2 arguments (key, value), got %d", len(args)))
		}
		if args[0] == "" {
			return shim.Error("Put: empty key")
		}
		if err := stub.PutState(args[0], []byte(args[1])); err != nil {
			return shim.Error("Put: " + err.Error())
		}
		return shim.Success(nil)
	case "PutFootprint":
		if len(args) != 3 {
			return shim.Error(fmt.Sprintf("PutFootprint takes 3 arguments (key, value, mspID), got %d", len(args)))
		}
		if err := putFootprint(stub, args[0], args[1], args[2]); err != nil {
			return shim.Error("PutFootprint: " + err.Error())
		}
		return shim.Success([]byte(args[1]))
	case "Get":
		if len(args) != 1 {
			return shim.Error(fmt.Sprintf("Get takes 1 argument (key), got %d", len(args)))
		}
		v, err := stub.GetState(args[0])
		if err != nil {
			return shim.Error("Get: " + err.Error())
		}
		return shim.Success(v)
	case "org.hyperledger.fabric:GetMetadata":
		return shim.Success([]byte(metadata))
	default:
		return shim.Error(fmt.Sprintf("unknown function %q (Put, PutFootprint, Get)", fn))
	}
}

// footprintReads and footprintIndexes are the keys PutFootprint reads and
// writes besides its own, as IssueCertificate reads the issuer, the subject
// and a reference, and writes three index entries.
var (
	footprintReads   = []string{"footprint-issuer", "footprint-subject", "footprint-reference"}
	footprintIndexes = []string{"by_subject", "by_reference", "by_issuer"}
)

// putFootprint does what IssueCertificate asks of the peer, in the same
// number of calls: 4 reads, 4 writes, 1 key-level policy, 1 event.
func putFootprint(stub shim.ChaincodeStubInterface, key, value, mspID string) error {
	if key == "" || mspID == "" {
		return errors.New("empty key or MSP id")
	}
	for _, k := range append([]string{key}, footprintReads...) {
		if _, err := stub.GetState(k); err != nil {
			return err
		}
	}
	if err := stub.PutState(key, []byte(value)); err != nil {
		return err
	}
	ep, err := statebased.NewStateEP(nil)
	if err != nil {
		return err
	}
	if err := ep.AddOrgs(statebased.RoleTypePeer, mspID); err != nil {
		return err
	}
	policy, err := ep.Policy()
	if err != nil {
		return err
	}
	if err := stub.SetStateValidationParameter(key, policy); err != nil {
		return err
	}
	for _, index := range footprintIndexes {
		ik, err := stub.CreateCompositeKey(index, []string{"v", key})
		if err != nil {
			return err
		}
		if err := stub.PutState(ik, []byte{0}); err != nil {
			return err
		}
	}
	return stub.SetEvent("benchput", []byte(`{"function":"PutFootprint","records":[`+value+`]}`))
}

// config is what the command reads from flags and the environment.
type config = ccserver.Config

func parseConfig(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	return ccserver.Parse("benchcc", args, getenv, stderr, true)
}

func main() {
	c, err := parseConfig(os.Args[1:], os.Getenv, os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err == nil {
		var srv *shim.ChaincodeServer
		if srv, err = c.Server(PutChaincode{}); err == nil {
			slog.New(slog.NewTextHandler(os.Stderr, nil)).Info("starting benchput chaincode service", "address", c.Address, "id", c.ID, "tls", c.TLS())
			err = srv.Start()
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchcc:", err)
		os.Exit(2)
	}
}
