package record

import "encoding/json"

// EventName is the name of the one chaincode event each transaction emits.
const EventName = "metrotrace"

// Event carries every record a transaction wrote, in its new form, so a
// read model can be built from events alone.
type Event struct {
	Function string        `json:"function"`
	TxID     string        `json:"tx_id"`
	Records  []EventRecord `json:"records"`
}

// EventRecord is one record written by a transaction.
type EventRecord struct {
	DocType string          `json:"doc_type"`
	ID      string          `json:"id"`
	Record  json.RawMessage `json:"record"`
}
