package client_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/gateway/client"
	"github.com/metrotrace/metrotrace/gateway/embedded"
	"github.com/metrotrace/metrotrace/gateway/ledger"
)

// A failed call is one of two typed errors: a *record.Error when the
// chaincode refused the call (its Code says why: invalid, not_found,
// conflict, forbidden), or a *ledger.Error when the transaction failed
// around the chaincode (its Phase says where: endorse, submit, commit,
// evaluate). Test for them with errors.As; anything else is a transport or
// context error.
func ExampleClient_Create_errorHandling() {
	l, err := embedded.Open("") // in memory
	if err != nil {
		panic(err)
	}
	defer l.Close()
	c := client.New(l)
	ctx := context.Background()

	operator, err := l.Wallet().Identity("BeijingMSP", "operator", "")
	if err != nil {
		panic(err)
	}
	// An identity no CA of this ledger issued.
	stranger, err := embedded.NewWallet("").Identity("BeijingMSP", "operator", "")
	if err != nil {
		panic(err)
	}

	for _, try := range []struct {
		who  string
		call func() error
	}{
		{"an institution without a name", func() error {
			_, err := c.Create(ctx, operator, record.DocInstitution, []byte(`{"id":"NEW-LAB","region":"BJ","msp_id":"BeijingMSP","kind":"accredited_lab"}`), nil)
			return err
		}},
		{"a standard nobody registered", func() error {
			_, err := c.Get(ctx, operator, record.DocStandard, "NO-SUCH-STD")
			return err
		}},
		{"a stranger's identity", func() error {
			_, err := c.Get(ctx, stranger, record.DocStandard, "NO-SUCH-STD")
			return err
		}},
	} {
		err := try.call()
		var refused *record.Error
		var failed *ledger.Error
		switch {
		case errors.As(err, &refused):
			fmt.Printf("%s: refused, %s: %s\n", try.who, refused.Code, refused.Message)
		case errors.As(err, &failed):
			fmt.Printf("%s: the %s phase failed\n", try.who, failed.Phase)
		case err != nil:
			fmt.Printf("%s: %v\n", try.who, err)
		}
	}
	// Output:
	// an institution without a name: refused, invalid: register institution: name is required
	// a standard nobody registered: refused, not_found: standard NO-SUCH-STD does not exist
	// a stranger's identity: the evaluate phase failed
}
