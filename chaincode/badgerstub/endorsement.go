package badgerstub

import (
	"errors"
	"fmt"
	"strings"

	"github.com/dgraph-io/badger/v4"
	"github.com/hyperledger/fabric-chaincode-go/v2/pkg/statebased"
)

// checkEndorsement applies key-level endorsement policies at commit, as a
// Fabric peer validates them: the policy committed on a key before this
// transaction must be satisfied by the endorsing organizations.
func (s *Store) checkEndorsement(txn *badger.Txn, stub *Stub) error {
	if len(stub.proposal.EndorsingOrgs) == 0 {
		return nil
	}
	endorsers := map[string]bool{}
	for _, o := range stub.proposal.EndorsingOrgs {
		endorsers[o] = true
	}
	for _, w := range stub.writes.ordered() {
		item, err := txn.Get(validationKey(w.key))
		if errors.Is(err, badger.ErrKeyNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		ep, err := item.ValueCopy(nil)
		if err != nil {
			return err
		}
		policy, err := statebased.NewStateEP(ep)
		if err != nil {
			return fmt.Errorf("key-level policy of %q: %w", w.key, err)
		}
		for _, org := range policy.ListOrgs() {
			if !endorsers[org] {
				return fmt.Errorf("%w: key %q needs an endorsement of %s, endorsed by %s",
					ErrEndorsementPolicy, printableKey(w.key), org, strings.Join(stub.proposal.EndorsingOrgs, ", "))
			}
		}
	}
	return nil
}

func printableKey(k string) string { return strings.Trim(strings.ReplaceAll(k, "\x00", "/"), "/") }
