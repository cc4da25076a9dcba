package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/gateway/blob"
	"github.com/metrotrace/metrotrace/gateway/client"
	"github.com/metrotrace/metrotrace/gateway/dcc"
	"github.com/metrotrace/metrotrace/gateway/dcc/schema"
	"github.com/metrotrace/metrotrace/gateway/dcc/signature"
)

// File uploads: POST /certificates/dcc and POST /verify take a file of up
// to dcc.MaxSize bytes, either as the raw body or as the field FileField of
// a multipart/form-data body.
const (
	// FileField is the multipart form field that carries the file.
	FileField = "file"
	// MaxFileSize is the largest file accepted, in bytes (10 MiB).
	MaxFileSize = dcc.MaxSize
	// fileBodyLimit bounds the whole body of a file route: the file plus
	// room for multipart headers and other form fields.
	fileBodyLimit = MaxFileSize + 256<<10
)

// HeaderDCCSHA256 carries, on GET /certificates/{id}/dcc, the SHA-256 of
// the XML returned.
const HeaderDCCSHA256 = "X-DCC-SHA256"

// readFile reads the uploaded file: the multipart field FileField, or the
// whole body otherwise. xmlOnly refuses a raw body that is not XML (415).
// An empty file is a 400, a file over MaxFileSize a 413.
func readFile(c echo.Context, xmlOnly bool) ([]byte, error) {
	req := c.Request()
	ct := req.Header.Get(echo.HeaderContentType)
	mt, _, _ := mime.ParseMediaType(ct)
	var (
		data []byte
		err  error
	)
	switch {
	case mt == echo.MIMEMultipartForm:
		data, err = readMultipartFile(req)
	case xmlOnly && !isXML(mt):
		if ct == "" {
			ct = "none"
		}
		return nil, refusef(CodeUnsupportedMediaType, ReasonUnsupportedMediaType, record.Params{"type": ct, "want": "application/xml, multipart/form-data (" + FileField + ")"},
			"content type %s is not supported; send the DCC as application/xml or as the field %q of multipart/form-data", ct, FileField)
	case req.Body == nil:
	default:
		data, err = readLimited(req.Body)
	}
	if err != nil {
		return nil, err
	}
	if len(data) == 0 {
		return nil, refusef(string(record.Invalid), ReasonFileEmpty, nil, "the file is empty")
	}
	return data, nil
}

// isXML reports whether a media type is XML.
func isXML(mt string) bool {
	return mt == echo.MIMEApplicationXML || mt == echo.MIMETextXML || strings.HasSuffix(mt, "+xml")
}

// readMultipartFile returns the content of the field FileField.
func readMultipartFile(req *http.Request) ([]byte, error) {
	mr, err := req.MultipartReader()
	if err != nil {
		return nil, refusef(string(record.Invalid), ReasonMultipartInvalid, record.Params{"detail": err.Error()}, "multipart body: %v", err)
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, refusef(string(record.Invalid), ReasonNoFileField, record.Params{"name": FileField}, "the multipart body has no field %q carrying the file", FileField)
		}
		if err != nil {
			return nil, bodyError("multipart body", err)
		}
		if part.FormName() != FileField {
			continue // NextPart skips the rest of it
		}
		data, err := readLimited(part)
		_ = part.Close()
		return data, err
	}
}

// readLimited reads at most MaxFileSize bytes, refusing more with a 413.
func readLimited(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, bodyError("read the file", err)
	}
	if len(data) > MaxFileSize {
		return nil, refusef(CodePayloadTooLarge, ReasonFileTooLarge, record.Params{"limit": fmt.Sprint(MaxFileSize)}, "the file is larger than %d bytes (10 MiB)", MaxFileSize)
	}
	return data, nil
}

// bodyError keeps a body over the route's limit (a 413) and makes
// anything else a 400.
func bodyError(what string, err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) || errors.Is(err, echo.ErrStatusRequestEntityTooLarge) {
		return err
	}
	return refusef(string(record.Invalid), ReasonBodyUnreadable, record.Params{"detail": err.Error()}, "%s: %v", what, err)
}

// DCCImport is the answer of POST /certificates/dcc: the certificate as
// stored, the SHA-256 of the DCC file it anchors, and what of the DCC did
// not map or was mapped by a rule worth knowing.
type DCCImport struct {
	Certificate json.RawMessage `json:"certificate"`
	DCCSHA256   string          `json:"dcc_sha256"`
	// DCCC14NSHA256 is the SHA-256 of the DCC's canonical form, also
	// anchored (dcc_c14n_sha256 of the certificate).
	DCCC14NSHA256 string        `json:"dcc_c14n_sha256"`
	Problems      []dcc.Problem `json:"problems"`
	// Signature is the check of the DCC's XML signature.
	Signature *signature.Result `json:"signature"`
	// Schema is the validation of the DCC against the schema of its
	// version (see schema.Result).
	Schema *schema.Result `json:"schema"`
}

// dccOptions reads the mapping options of POST /certificates/dcc from the
// query: valid_until, subject_id, kind, issuer_id, reference_ids
// (comma-separated).
func dccOptions(c echo.Context) (dcc.MapOptions, []dcc.Problem, error) {
	var opts dcc.MapOptions
	var notes []dcc.Problem
	q := c.QueryParams()
	if v := q.Get("valid_until"); v != "" {
		if _, err := record.ParseDate(v); err != nil {
			return opts, nil, refusef(string(record.Invalid), record.ReasonParamBadDate, record.Params{"param": "valid_until", "value": v}, "valid_until: %v", err)
		}
		opts.ValidUntil = v
	}
	if v := q.Get("kind"); v != "" {
		if v != record.KindCalibration && v != record.KindVerification {
			return opts, nil, record.ParamChoice("kind", v, []string{record.KindCalibration, record.KindVerification}, "kind %q is not calibration or verification", v)
		}
		opts.Kind = v
	}
	if v := q.Get("issuer_id"); v != "" {
		if err := record.ValidateID("issuer_id", v); err != nil {
			return opts, nil, err
		}
		opts.IssuerID = v
	}
	if v := q.Get("reference_ids"); v != "" {
		for _, ref := range strings.Split(v, ",") {
			ref = strings.TrimSpace(ref)
			if err := record.ValidateID("reference_ids", ref); err != nil {
				return opts, nil, err
			}
			opts.ReferenceIDs = append(opts.ReferenceIDs, ref)
		}
	}
	if subject := q.Get("subject_id"); subject != "" {
		if err := record.ValidateID("subject_id", subject); err != nil {
			return opts, nil, err
		}
		opts.ResolveID = subjectResolver(subject)
		notes = append(notes, dcc.Problem{Path: "administrativeData/items/item[1]",
			Message: fmt.Sprintf("subject_id %s is given by the request, not read from the item's identifications", subject)})
	}
	return opts, notes, nil
}

// subjectResolver names the subject subject and the references as the
// mapping does by default: the first identification by the issuers of
// dcc.DefaultIDIssuers, made into a ledger id.
func subjectResolver(subject string) dcc.IDResolver {
	return func(role dcc.Role, ids []dcc.Identification) (string, bool) {
		if role == dcc.RoleSubject {
			return subject, true
		}
		for _, issuer := range dcc.DefaultIDIssuers {
			for _, id := range ids {
				if id.Issuer == issuer && id.Value != "" {
					return dcc.SanitizeID(id.Value)
				}
			}
		}
		return "", false
	}
}

// importDCC handles POST /certificates/dcc: parse the DCC, map it onto a
// certificate, check its issuer is a registered institution, keep the
// file in the blob store, then record the certificate with dcc_sha256 the
// SHA-256 of the exact bytes. Anything refused before the file is stored
// writes nothing; a file whose certificate the ledger then refuses is an
// orphan, removed by the store's collection.
func (s *Server) importDCC(c echo.Context) (err error) {
	if s.cfg.Blobs == nil {
		return refusef(CodeUnavailable, ReasonNoDCCStore, nil, "this gateway keeps no DCC store, so it cannot import DCCs")
	}
	opts, notes, err := dccOptions(c)
	if err != nil {
		return err
	}
	data, err := readFile(c, true)
	if err != nil {
		return err
	}
	doc, err := dcc.Parse(data)
	if err != nil {
		return err
	}
	sch := schema.Validate(data)
	if sch.Refused() {
		msgs := make([]string, len(sch.Errors))
		for i, e := range sch.Errors {
			msgs[i] = e.String()
		}
		return refusef(string(record.Invalid), ReasonDCCSchemaInvalid, record.Params{"version": sch.Version, "errors": strings.Join(msgs, "; ")},
			"the DCC is not valid against the DCC schema %s: %s", sch.Version, strings.Join(msgs, "; "))
	}
	id, err := s.caller(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	r, err := s.reader(c)
	if err != nil {
		return err
	}
	lookup := ledgerLookup{ctx: ctx, r: r}
	opts.Standards, opts.Anchors = lookup, lookup
	cert, problems, err := doc.Certificate(opts)
	if err != nil {
		return err
	}
	if cert.DCCC14NSHA256, err = doc.CanonicalSHA256(); err != nil {
		return err
	}
	problems = append(notes, problems...)
	if err := knownIssuer(ctx, r, cert.IssuerID, opts.IssuerID != ""); err != nil {
		return err
	}
	if err := sameIdentifier(ctx, r, cert); err != nil {
		return err
	}
	sig, err := s.checkSignature(ctx, r, data, cert.IssuerID)
	if err != nil {
		return err
	}
	if err := refuseBrokenSignature(sig); err != nil {
		return err
	}
	if err := requireSignature(ctx, r, cert.IssuerID, sig); err != nil {
		return err
	}
	body, err := json.Marshal(cert)
	if err != nil {
		return fmt.Errorf("encode certificate: %w", err)
	}
	// The file first, the certificate second: an anchored certificate never
	// lacks its file. A file whose commit then fails is collected later
	// (blob.Store.Collect), once no certificate anchors it.
	staged, err := s.cfg.Blobs.Stage(data)
	if err != nil {
		return refusef(string(record.Internal), ReasonDCCStoreFailed, record.Params{"id": cert.ID, "detail": record.ErrorMessage(err)},
			"this gateway could not store the DCC, so certificate %s was not recorded: %s", cert.ID, record.ErrorMessage(err))
	}
	committed := false
	defer func() {
		// A certificate the chaincode refused leaves no file behind, unless
		// a certificate anchors the same bytes already.
		refused := !committed && record.ErrorCode(err) != record.Internal
		if err := staged.Done(!refused, func(sha string) (bool, error) {
			certs, err := r.FindByDCC(context.WithoutCancel(ctx), sha)
			return len(certs) > 0, err
		}); err != nil {
			loggerFrom(ctx, s.log).Warn("could not release a staged DCC", "sha256", staged.SHA256, "err", err)
		}
	}()
	sha := staged.SHA256
	if sha != doc.SHA256 {
		return errorf(string(record.Internal), "the DCC was stored under %s, not the SHA-256 %s it hashes to", sha, doc.SHA256)
	}
	w, err := s.cfg.Client.Create(ctx, id, record.DocCertificate, body, nil)
	if err != nil {
		return err
	}
	committed = true
	if problems == nil {
		problems = []dcc.Problem{}
	}
	answer, err := json.Marshal(DCCImport{Certificate: w.Record, DCCSHA256: sha, DCCC14NSHA256: cert.DCCC14NSHA256, Problems: problems, Signature: sig, Schema: &sch})
	if err != nil {
		return fmt.Errorf("encode answer: %w", err)
	}
	c.Response().Header().Set(echo.HeaderLocation, Prefix+"/certificates/"+url.PathEscape(cert.ID))
	return s.written(c, http.StatusCreated, &client.Written{Record: answer, Receipt: w.Receipt})
}

// knownIssuer refuses, with a 400, an issuer that is not a registered
// institution.
func knownIssuer(ctx context.Context, r Reader, issuer string, fromQuery bool) error {
	_, err := r.Get(ctx, record.DocInstitution, issuer)
	if record.ErrorCode(err) == record.NotFound {
		if fromQuery {
			return refusef(string(record.Invalid), ReasonUnknownIssuer, record.Params{"id": issuer}, "unknown issuer %s (issuer_id): no institution %s is registered", issuer, issuer)
		}
		return refusef(string(record.Invalid), ReasonUnknownLaboratory, record.Params{"id": issuer},
			"unknown laboratory %s: the DCC's calibrationLaboratoryCode names the issuing institution, and no institution %s is registered (name a registered one with issuer_id)", issuer, issuer)
	}
	return err
}

// recordGetter reads one record: a Reader, or the index alone.
type recordGetter interface {
	Get(ctx context.Context, docType, id string) (json.RawMessage, error)
}

// readAs reads and decodes a record.
func readAs[T any](ctx context.Context, r recordGetter, docType, id string) (*T, error) {
	data, err := r.Get(ctx, docType, id)
	if err != nil {
		return nil, err
	}
	var v T
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, fmt.Errorf("decode %s %s: %w", docType, id, err)
	}
	return &v, nil
}

// certificateDCC handles GET /certificates/{id}/dcc: the DCC file the
// certificate anchors, as stored (exact bytes), or with generate=true a
// DCC v3.3 written from the ledger certificate.
func (s *Server) certificateDCC(c echo.Context) error {
	generate := false
	if v := c.QueryParam("generate"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return record.ParamChoice("generate", v, []string{"true", "false"}, "generate %q is not true or false", v)
		}
		generate = b
	}
	r, err := s.reader(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	cert, err := readAs[record.Certificate](ctx, r, record.DocCertificate, c.Param("id"))
	if err != nil {
		return err
	}
	var data []byte
	disposition := "attachment"
	if generate {
		if data, err = generateDCC(c, r, cert); err != nil {
			return err
		}
		disposition = "inline"
	} else {
		if cert.DCCSHA256 == "" {
			return refusef(string(record.NotFound), ReasonNoDCCAnchored, record.Params{"id": cert.ID}, "certificate %s anchors no DCC; ?generate=true writes one from the ledger record", cert.ID)
		}
		if s.cfg.Blobs == nil {
			return refusef(CodeUnavailable, ReasonDCCKeptByIssuer, record.Params{"id": cert.ID, "digest": cert.DCCSHA256}, "this gateway keeps no DCC store; the DCC of certificate %s (SHA-256 %s) is kept by its issuer's gateway", cert.ID, cert.DCCSHA256)
		}
		if data, err = s.cfg.Blobs.Get(cert.DCCSHA256); err != nil {
			if record.ErrorCode(err) == record.NotFound {
				return refusef(string(record.NotFound), ReasonDCCNotInStore, record.Params{"id": cert.ID, "digest": cert.DCCSHA256, "issuer": cert.IssuerID}, "the DCC of certificate %s (SHA-256 %s) is not in this gateway's store; it is kept by the gateway of its issuer %s", cert.ID, cert.DCCSHA256, cert.IssuerID)
			}
			return err
		}
	}
	h := c.Response().Header()
	h.Set(HeaderDCCSHA256, blob.Hash(data))
	h.Set(echo.HeaderContentDisposition, fmt.Sprintf("%s; filename=%q", disposition, cert.ID+".xml"))
	return c.Blob(http.StatusOK, echo.MIMEApplicationXMLCharsetUTF8, data)
}

// generateDCC writes a DCC from a ledger certificate: the laboratory is
// the issuer institution (name, code), the item is the subject as
// registered, and the responsible persons are the query's responsible
// values, by default the issuer's name (the institution answers for a
// certificate it recorded on the ledger).
func generateDCC(c echo.Context, r Reader, cert *record.Certificate) ([]byte, error) {
	ctx := c.Request().Context()
	info := dcc.GenerateInfo{}
	if in, err := readAs[record.Institution](ctx, r, record.DocInstitution, cert.IssuerID); err == nil {
		info.LaboratoryName = in.Name
	} else if record.ErrorCode(err) != record.NotFound {
		return nil, err
	}
	for _, p := range c.QueryParams()["responsible"] {
		if p = strings.TrimSpace(p); p != "" {
			info.RespPersons = append(info.RespPersons, p)
		}
	}
	if len(info.RespPersons) == 0 {
		name := info.LaboratoryName
		if name == "" {
			name = cert.IssuerID
		}
		info.RespPersons = []string{name}
	}
	describeSubject(ctx, r, cert.SubjectID, &info)
	return dcc.Generate(cert, info)
}

// describeSubject names the DCC's item after the registered subject: a
// standard's name, an instrument's type and manufacturer. A subject that
// cannot be read keeps Generate's defaults.
func describeSubject(ctx context.Context, r Reader, subjectID string, info *dcc.GenerateInfo) {
	if std, err := readAs[record.Standard](ctx, r, record.DocStandard, subjectID); err == nil {
		info.ItemName = std.Name
		return
	}
	if in, err := readAs[record.Instrument](ctx, r, record.DocInstrument, subjectID); err == nil {
		info.ItemName = strings.TrimSpace(in.Type + " " + in.Model)
		info.ItemManufacturer = in.Manufacturer
	}
}
