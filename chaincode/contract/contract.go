package contract

import (
	"fmt"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
	"github.com/hyperledger/fabric-contract-api-go/v2/metadata"

	"github.com/metrotrace/metrotrace/chaincode/record"
)

// Name is the chaincode's name on the channel.
const Name = record.ContractName

// Contract is the metrotrace smart contract. Only its transaction functions
// are exported, because the contract API exposes every exported method.
type Contract struct {
	contractapi.Contract
}

// GetEvaluateTransactions marks the read-only functions in the metadata.
func (c *Contract) GetEvaluateTransactions() []string {
	return record.EvaluateFunctions
}

// New returns the chaincode, ready for shim.Start, a chaincode server, or
// the embedded ledger.
func New() (*contractapi.ContractChaincode, error) {
	c := &Contract{}
	c.Name = Name
	c.Info = metadata.InfoMetadata{
		Title:       record.ContractName,
		Description: "Traceability ledger for measurement: standards, instruments, certificates, comparisons and mutual recognition",
		Version:     record.ContractVersion,
	}
	cc, err := contractapi.NewChaincode(c)
	if err != nil {
		return nil, fmt.Errorf("create metrotrace chaincode: %w", err)
	}
	cc.DefaultContract = Name
	cc.TransactionSerializer = &stringSerializer{}
	return cc, nil
}
