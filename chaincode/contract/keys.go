package contract

import (
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/metrotrace/metrotrace/chaincode/record"
)

// Indexes lists the index names accepted by List (see record.Indexes).
var Indexes = record.Indexes

// recordKey is the state key of a record: a composite key of its doc type
// and id, so every record of a kind can be listed by prefix.
func recordKey(ctx contractapi.TransactionContextInterface, docType, id string) (string, error) {
	return ctx.GetStub().CreateCompositeKey(docType, []string{id})
}

func indexKey(ctx contractapi.TransactionContextInterface, index, value, id string) (string, error) {
	return ctx.GetStub().CreateCompositeKey(index, []string{value, id})
}
