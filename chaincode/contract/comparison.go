package contract

import (
	"strconv"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/metrotrace/metrotrace/chaincode/record"
)

// RecordComparison records an inter-laboratory comparison piloted by the
// caller's institution, computing En for every result given.
func (c *Contract) RecordComparison(ctx contractapi.TransactionContextInterface, comparisonJSON string) (string, error) {
	if out, done, err := replay(ctx); done {
		return out, err
	}
	var cmp record.Comparison
	if err := decodeValid(comparisonJSON, &cmp); err != nil {
		return "", wrapf(err, "record comparison")
	}
	if err := happenedBy(ctx, "completed_on", cmp.CompletedOn); err != nil {
		return "", wrapf(err, "record comparison %s", cmp.ID)
	}
	pilot, err := writableInstitution(ctx, cmp.PilotID)
	if err != nil {
		return "", wrapf(err, "record comparison %s", cmp.ID)
	}
	if err := mustNotExist(ctx, record.DocComparison, cmp.ID); err != nil {
		return "", err
	}
	if err := computeEN(ctx, &cmp, cmp.Results); err != nil {
		return "", wrapf(err, "record comparison %s", cmp.ID)
	}
	t := newTxn(ctx, record.FnRecordComparison)
	if err := t.put(record.DocComparison, cmp.ID, &cmp, pilot.MSPID); err != nil {
		return "", err
	}
	return t.commit()
}

// AddComparisonResults adds participants' results to a comparison, with En
// computed against its reference value.
func (c *Contract) AddComparisonResults(ctx contractapi.TransactionContextInterface, comparisonID, resultsJSON string) (string, error) {
	if out, done, err := replay(ctx); done {
		return out, err
	}
	var cmp record.Comparison
	if err := requireRecord(ctx, record.DocComparison, comparisonID, &cmp); err != nil {
		return "", err
	}
	if _, err := writableInstitution(ctx, cmp.PilotID); err != nil {
		return "", wrapf(err, "add results to comparison %s", comparisonID)
	}
	var results []record.ComparisonResult
	if err := record.Decode([]byte(resultsJSON), &results); err != nil {
		return "", wrapf(err, "add results to comparison %s", comparisonID)
	}
	if len(results) == 0 {
		return "", record.Refusef(record.Invalid, record.ReasonNoResultsGiven, record.Params{"id": comparisonID}, "add results to comparison %s: no results given", comparisonID)
	}
	if err := record.ValidateComparisonResults(cmp.Quantity, results, "results"); err != nil {
		return "", wrapf(err, "add results to comparison %s", comparisonID)
	}
	for _, r := range results {
		if resultIndex(&cmp, r.InstitutionID) >= 0 {
			return "", record.Refusef(record.Conflict, record.ReasonComparisonResultExists, record.Params{"id": comparisonID, "institution": r.InstitutionID}, "comparison %s already has a result of %s", comparisonID, r.InstitutionID)
		}
	}
	if err := computeEN(ctx, &cmp, results); err != nil {
		return "", wrapf(err, "add results to comparison %s", comparisonID)
	}
	cmp.Results = append(cmp.Results, results...)
	t := newTxn(ctx, record.FnAddComparisonResults)
	if err := t.put(record.DocComparison, cmp.ID, &cmp, ""); err != nil {
		return "", err
	}
	return t.commit()
}

// computeEN checks each participant exists, naming every one that does
// not at once, and fills in its En.
func computeEN(ctx contractapi.TransactionContextInterface, cmp *record.Comparison, results []record.ComparisonResult) error {
	var wrong record.Refusal
	for i := range results {
		if _, err := requireInstitution(ctx, results[i].InstitutionID); record.ErrorCode(err) == record.NotFound {
			wrong.Add("results["+strconv.Itoa(i)+"].institution_id", err)
		} else if err != nil {
			return err
		}
	}
	if err := wrong.Err(); err != nil {
		return err
	}
	for i := range results {
		r := &results[i]
		en, err := record.EN(record.Result{Value: r.Value, Unit: r.Unit, Uncertainty: r.Uncertainty}, cmp.Reference)
		if err != nil {
			return err
		}
		r.EN = &en
	}
	return nil
}

func resultIndex(cmp *record.Comparison, institutionID string) int {
	for i, r := range cmp.Results {
		if r.InstitutionID == institutionID {
			return i
		}
	}
	return -1
}
