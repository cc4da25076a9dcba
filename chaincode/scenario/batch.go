package scenario

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/metrotrace/metrotrace/chaincode/record"
)

// LargestBatch is the argument of an IssueCertificates transaction as
// large as a gateway takes: record.MaxBatch copies of cert, the i-th with
// the id fmt.Sprintf(idFormat, i), their method padded so that the JSON
// array is within 1 KiB under bodyLimit bytes. It returns the array and
// the padded method every copy carries. The stores' memtables are sized
// for it (badgerstub and the index); tests commit it to show they are.
func LargestBatch(cert record.Certificate, idFormat string, bodyLimit int) (body, method string) {
	encode := func(method string) string {
		c := cert
		c.Method = method
		certs := make([]json.RawMessage, record.MaxBatch)
		for i := range certs {
			c.ID = fmt.Sprintf(idFormat, i)
			certs[i], _ = json.Marshal(&c)
		}
		data, _ := json.Marshal(certs)
		return string(data)
	}
	pad := (bodyLimit - len(encode(cert.Method)) - 512) / record.MaxBatch
	method = cert.Method + strings.Repeat("x", max(pad, 0))
	return encode(method), method
}
