// Package schema validates Digital Calibration Certificates (DCC) against the
// DCC XML Schema of the document's own schemaVersion, with the D-SI schema it
// imports, all embedded in the binary: nothing is fetched at run time and no
// cgo is involved.
//
// The validator implements the part of XML Schema 1.0 that the embedded DCC
// (3.0.0 … 3.1.2) and D-SI (2.2.0) schemas use; compiling a schema that uses
// anything else fails rather than validating it loosely. Documents are read
// with encoding/xml and hostile input is refused before it costs anything: a
// DOCTYPE (and so any entity declaration) is never accepted, and the size and
// nesting depth are bounded (see [Limits]).
//
// A document is refused when its [Result] has errors. A document whose version
// has no embedded schema (3.2.x, 3.3.0) is checked only for well-formedness and
// the limits, and its Result says it was not schema-validated.
package schema

import (
	"embed"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"
)

// The schemas as PTB published them (GNU LGPL v3, xsd/COPYING.LESSER).
//
//go:embed xsd/*.xsd
var schemaFiles embed.FS

// dsiFile is the D-SI schema that stands in for every DCC schema's import of
// the D-SI namespace (the DCC schemas name D-SI 2.1.0; 2.2.0 validates the
// 3.1.x examples).
const dsiFile = "xsd/SI_Format-2.2.0.xsd"

// schemaFileOf maps a DCC schemaVersion to its embedded schema.
var schemaFileOf = map[string]string{
	"3.0.0": "xsd/dcc-3.0.0.xsd",
	"3.1.0": "xsd/dcc-3.1.0.xsd",
	"3.1.1": "xsd/dcc-3.1.1.xsd",
	"3.1.2": "xsd/dcc-3.1.2.xsd",
}

// Namespaces a DCC document uses.
const (
	NamespaceDCC   = "https://ptb.de/dcc"
	NamespaceSI    = "https://ptb.de/si"
	NamespaceDSig  = "http://www.w3.org/2000/09/xmldsig#"
	namespaceXSD   = "http://www.w3.org/2001/XMLSchema"
	namespaceXSI   = "http://www.w3.org/2001/XMLSchema-instance"
	namespaceQUDT  = "http://qudt.org/vocab/"
	rootElementDCC = "digitalCalibrationCertificate"
)

// Versions lists the DCC schema versions that have an embedded schema, in
// ascending order.
func Versions() []string {
	vs := make([]string, 0, len(schemaFileOf))
	for v := range schemaFileOf {
		vs = append(vs, v)
	}
	sort.Strings(vs)
	return vs
}

// Error is one schema or well-formedness error of a document.
type Error struct {
	// Line is the 1-based line of the element's start tag (or of the
	// offending token for well-formedness errors).
	Line int `json:"line"`
	// Element is the path of the element, with prefixes dcc:, si:, ds: and
	// a [n] index when the element is not its parent's first of that name,
	// e.g. /dcc:digitalCalibrationCertificate/dcc:administrativeData/dcc:coreData.
	Element string `json:"element"`
	// Message says what is wrong.
	Message string `json:"message"`
}

// String renders the error as "line N: element: message".
func (e Error) String() string {
	return fmt.Sprintf("line %d: %s: %s", e.Line, e.Element, e.Message)
}

// Result is the outcome of validating one document.
type Result struct {
	// Version is the document's schemaVersion attribute ("" if absent).
	Version string `json:"version"`
	// Validated says the document was checked against the schema of its
	// version. It is false when no schema for the version is embedded (the
	// document is then accepted, and Message says so) and when the document
	// was refused before its schema could be applied.
	Validated bool `json:"validated"`
	// Message summarises the outcome in one sentence.
	Message string `json:"message"`
	// Errors holds every error found, in document order, at most
	// Limits.MaxErrors of them (Truncated tells whether more were found).
	Errors []Error `json:"errors"`
	// Truncated says that more errors were found than Errors holds.
	Truncated bool `json:"truncated,omitempty"`
	// Reason is why a document was not validated (a [ReasonCodes] code,
	// "" when it was), and Params the values its sentence prints, so that
	// a client says it in its own language; Message is the English.
	Reason string            `json:"reason,omitempty"`
	Params map[string]string `json:"params,omitempty"`
}

// Reasons a document was not validated, with the parameters each carries.
// Codes are stable: add codes, never rename or remove one (the web console
// has a zh and an en sentence for each, and a test fails for a code
// without them).
const (
	ReasonNotDCC       = "not_dcc"       // root (the root element found)
	ReasonNoVersion    = "no_version"    // (none)
	ReasonBadVersion   = "bad_version"   // version
	ReasonNoSchema     = "no_schema"     // version, embedded (", "-separated)
	ReasonRefused      = "refused"       // detail (English, the one error)
	ReasonNotValidated = "not_validated" // (none)
)

// ReasonCodes lists every reason a document was not validated with its
// parameters, in the order of their declaration.
var ReasonCodes = []struct {
	Code   string
	Params []string
}{
	{ReasonNotDCC, []string{"root"}},
	{ReasonNoVersion, nil},
	{ReasonBadVersion, []string{"version"}},
	{ReasonNoSchema, []string{"version", "embedded"}},
	{ReasonRefused, []string{"detail"}},
	{ReasonNotValidated, nil},
}

// MarshalJSON writes Errors as [] rather than null when there are none, so
// clients always find a list.
func (r Result) MarshalJSON() ([]byte, error) {
	type plain Result
	if r.Errors == nil {
		r.Errors = []Error{}
	}
	return json.Marshal(plain(r))
}

// Refused reports whether the document must be refused: it has schema or
// well-formedness errors, or broke a limit.
func (r Result) Refused() bool { return len(r.Errors) > 0 }

// Limits bound the work spent on one document.
type Limits struct {
	// MaxBytes is the largest document accepted.
	MaxBytes int
	// MaxDepth is the deepest element nesting accepted (the root is depth 1).
	MaxDepth int
	// MaxErrors is the most errors reported; validation goes on counting.
	MaxErrors int
}

// DefaultLimits are the limits [Validate] applies: room for a DCC with
// embedded documents, far below what could exhaust a server.
var DefaultLimits = Limits{MaxBytes: 32 << 20, MaxDepth: 256, MaxErrors: 100}

// Validate checks doc against the embedded schema of its schemaVersion with
// [DefaultLimits].
func Validate(doc []byte) Result {
	return DefaultLimits.Validate(doc)
}

// Validate checks doc against the embedded schema of its schemaVersion within
// the limits l (zero fields take the default).
func (l Limits) Validate(doc []byte) Result {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultLimits.MaxBytes
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultLimits.MaxDepth
	}
	if l.MaxErrors <= 0 {
		l.MaxErrors = DefaultLimits.MaxErrors
	}
	return newValidation(doc, l).run()
}

// compiled caches each version's compiled schema: compiling is done once per
// process and the result is read-only afterwards.
var compiled sync.Map // version -> *compiledEntry

type compiledEntry struct {
	once sync.Once
	set  *schemaSet
	err  error
}

// schemaFor returns the compiled schema of a DCC version, or nil when none is
// embedded.
func schemaFor(version string) (*schemaSet, error) {
	file, ok := schemaFileOf[version]
	if !ok {
		return nil, nil
	}
	e, _ := compiled.LoadOrStore(version, &compiledEntry{})
	entry := e.(*compiledEntry)
	entry.once.Do(func() {
		entry.set, entry.err = compileSchemaSet(file)
		if entry.err != nil {
			entry.err = fmt.Errorf("compile DCC schema %s: %w", version, entry.err)
		}
	})
	return entry.set, entry.err
}

// Compile compiles the embedded schema of a DCC version, so a program can
// fail at start-up rather than on its first document. It returns an error
// for a version without an embedded schema.
func Compile(version string) error {
	set, err := schemaFor(version)
	if err != nil {
		return err
	}
	if set == nil {
		return fmt.Errorf("no DCC schema %q is embedded (embedded: %s)", version, strings.Join(Versions(), ", "))
	}
	return nil
}

// versionPattern is the shape of a schemaVersion; anything else is refused
// rather than taken as a version without a schema.
var versionPattern = regexp.MustCompile(`^[0-9]+\.[0-9]+\.[0-9]+$`)
