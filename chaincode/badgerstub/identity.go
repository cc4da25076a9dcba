package badgerstub

import (
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"google.golang.org/protobuf/proto"
)

// SerializeIdentity encodes an MSP id and a PEM certificate the way a Fabric
// client puts its identity into a proposal, for [Proposal.Creator].
func SerializeIdentity(mspID string, certPEM []byte) ([]byte, error) {
	return proto.Marshal(&msp.SerializedIdentity{Mspid: mspID, IdBytes: certPEM})
}
