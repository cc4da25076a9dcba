package signature

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"math/big"
	"strings"
	"time"

	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"
	"github.com/russellhaering/goxmldsig/etreeutils"
)

// Namespaces of XML-DSig and XAdES 1.3.2.
const (
	NamespaceDSig  = "http://www.w3.org/2000/09/xmldsig#"
	NamespaceXAdES = "http://uri.etsi.org/01903/v1.3.2#"
)

// TypeSignedProperties is the Type of the reference to XAdES
// SignedProperties.
const TypeSignedProperties = "http://uri.etsi.org/01903#SignedProperties"

// maxDepth bounds element nesting before the recursive canonicalizers run,
// as the DCC reader does.
const maxDepth = 256

// maxReferences bounds the references of one SignedInfo.
const maxReferences = 16

var errNoSignature = errors.New("no signature")

// notXML is the error of a file that is not an XML document.
type notXML struct{ err error }

func (e notXML) Error() string { return e.err.Error() }

// Signature is a cryptographically valid signature of a DCC: its signer,
// the signing time and the certificates and revocation values the file
// carries.
type Signature struct {
	signer   *x509.Certificate
	signedAt time.Time
	// embedded are the other certificates of KeyInfo and of XAdES
	// CertificateValues.
	embedded []*x509.Certificate
	crls     [][]byte
	ocsps    [][]byte
}

// Signer is the signer's certificate.
func (s *Signature) Signer() *x509.Certificate { return s.signer }

// SignedAt is the XAdES signing time, zero when the signature states none.
func (s *Signature) SignedAt() time.Time { return s.signedAt }

// signatureAlgorithms are the SignatureMethods accepted. SHA-1 is not:
// it no longer protects a signature.
var signatureAlgorithms = map[string]struct {
	hash crypto.Hash
	ec   bool
}{
	dsig.ECDSASHA256SignatureMethod: {crypto.SHA256, true},
	dsig.ECDSASHA384SignatureMethod: {crypto.SHA384, true},
	dsig.ECDSASHA512SignatureMethod: {crypto.SHA512, true},
	dsig.RSASHA256SignatureMethod:   {crypto.SHA256, false},
	dsig.RSASHA384SignatureMethod:   {crypto.SHA384, false},
	dsig.RSASHA512SignatureMethod:   {crypto.SHA512, false},
}

// digestAlgorithms are the DigestMethods accepted.
var digestAlgorithms = map[string]crypto.Hash{
	"http://www.w3.org/2001/04/xmlenc#sha256":       crypto.SHA256,
	"http://www.w3.org/2001/04/xmldsig-more#sha384": crypto.SHA384,
	"http://www.w3.org/2001/04/xmlenc#sha512":       crypto.SHA512,
}

func digest(h crypto.Hash, data []byte) []byte {
	switch h {
	case crypto.SHA384:
		s := sha512.Sum384(data)
		return s[:]
	case crypto.SHA512:
		s := sha512.Sum512(data)
		return s[:]
	}
	s := sha256.Sum256(data)
	return s[:]
}

// canonicalizer returns the canonicalizer of a C14N algorithm, or nil.
func canonicalizer(algorithm, prefixList string) dsig.Canonicalizer {
	switch dsig.AlgorithmID(algorithm) {
	case dsig.CanonicalXML10ExclusiveAlgorithmId:
		return dsig.MakeC14N10ExclusiveCanonicalizerWithPrefixList(prefixList)
	case dsig.CanonicalXML10ExclusiveWithCommentsAlgorithmId:
		return dsig.MakeC14N10ExclusiveWithCommentsCanonicalizerWithPrefixList(prefixList)
	case dsig.CanonicalXML11AlgorithmId:
		return dsig.MakeC14N11Canonicalizer()
	case dsig.CanonicalXML11WithCommentsAlgorithmId:
		return dsig.MakeC14N11WithCommentsCanonicalizer()
	case dsig.CanonicalXML10RecAlgorithmId:
		return dsig.MakeC14N10RecCanonicalizer()
	case dsig.CanonicalXML10WithCommentsAlgorithmId:
		return dsig.MakeC14N10WithCommentsCanonicalizer()
	}
	return nil
}

// ReadDocument parses XML into an etree document, refusing nesting deeper
// than the DCC reader accepts.
func ReadDocument(data []byte) (*etree.Document, error) {
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))); err != nil {
		return nil, failf("malformed XML: %v", err)
	}
	root := doc.Root()
	if root == nil {
		return nil, failf("malformed XML: no root element")
	}
	type frame struct {
		el    *etree.Element
		depth int
	}
	stack := []frame{{root, 1}}
	for len(stack) > 0 {
		f := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if f.depth > maxDepth {
			return nil, failf("malformed XML: elements nested deeper than %d", maxDepth)
		}
		for _, c := range f.el.ChildElements() {
			stack = append(stack, frame{c, f.depth + 1})
		}
	}
	return doc, nil
}

// is reports whether el has the namespace and local name.
func is(el *etree.Element, space, local string) bool {
	return el != nil && el.Tag == local && el.NamespaceURI() == space
}

// child returns the only child of el with the name; an error when there
// are none or several.
func child(el *etree.Element, space, local string) (*etree.Element, error) {
	var found *etree.Element
	for _, c := range el.ChildElements() {
		if is(c, space, local) {
			if found != nil {
				return nil, failf("%s holds more than one %s", el.Tag, local)
			}
			found = c
		}
	}
	if found == nil {
		return nil, failf("%s has no %s", el.Tag, local)
	}
	return found, nil
}

// optChild is child allowing none.
func optChild(el *etree.Element, space, local string) (*etree.Element, error) {
	c, err := child(el, space, local)
	if err != nil && strings.Contains(err.Error(), " has no ") {
		return nil, nil
	}
	return c, err
}

// children returns every child of el with the name.
func children(el *etree.Element, space, local string) []*etree.Element {
	var out []*etree.Element
	for _, c := range el.ChildElements() {
		if is(c, space, local) {
			out = append(out, c)
		}
	}
	return out
}

// base64Text decodes the base64 text of an element, ignoring whitespace.
func base64Text(el *etree.Element) ([]byte, error) {
	s := strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, el.Text())
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, failf("%s is not base64: %v", el.Tag, err)
	}
	return b, nil
}

// canonical canonicalizes el as it stands in its document: the namespaces
// in scope from its ancestors are declared on a detached copy first. A
// non-empty remove is the path of child indexes of an element (the
// enveloped signature) left out of the copy.
func canonical(el *etree.Element, c dsig.Canonicalizer, remove []int) ([]byte, error) {
	ctx, err := etreeutils.NSBuildParentContext(el)
	if err != nil {
		return nil, failf("namespaces of %s: %v", el.Tag, err)
	}
	detached, err := etreeutils.NSDetatch(ctx, el)
	if err != nil {
		return nil, failf("namespaces of %s: %v", el.Tag, err)
	}
	if len(remove) > 0 {
		parent := detached
		for _, i := range remove[:len(remove)-1] {
			parent = parent.Child[i].(*etree.Element)
		}
		parent.RemoveChildAt(remove[len(remove)-1])
	}
	out, err := c.Canonicalize(detached)
	if err != nil {
		return nil, failf("canonicalize %s: %v", el.Tag, err)
	}
	return out, nil
}

// parse finds the enveloped signature of a DCC (a ds:Signature child of the
// root) and checks it cryptographically. It returns errNoSignature for an
// unsigned file, and with any other error the signature as far as it was
// read (signer, signing time) for the answer.
func parse(data []byte) (*Signature, error) {
	doc, err := ReadDocument(data)
	if err != nil {
		return nil, notXML{err}
	}
	root := doc.Root()
	sigs := children(root, NamespaceDSig, "Signature")
	if len(sigs) == 0 {
		found := false
		for _, el := range root.FindElements("//Signature") {
			if el.NamespaceURI() == NamespaceDSig {
				found = true
			}
		}
		if !found {
			return nil, errNoSignature
		}
		return &Signature{}, failf("the ds:Signature is not a child of the root element: only an enveloped signature of the whole DCC is accepted")
	}
	if len(sigs) > 1 {
		return &Signature{}, failf("the root element holds %d signatures; one is expected", len(sigs))
	}
	sigEl := sigs[0]
	s := &Signature{}
	if err := s.readKeyInfo(sigEl); err != nil {
		return s, err
	}
	props, err := s.readXAdES(sigEl)
	if err != nil {
		return s, err
	}
	signedInfo, err := child(sigEl, NamespaceDSig, "SignedInfo")
	if err != nil {
		return s, err
	}
	if err := s.checkSignatureValue(sigEl, signedInfo); err != nil {
		return s, err
	}
	if err := checkReferences(doc, sigEl, signedInfo, props); err != nil {
		return s, err
	}
	if err := s.checkSigningCertificate(props); err != nil {
		return s, err
	}
	return s, nil
}

// readKeyInfo reads the signer's certificate (the first X509Certificate of
// KeyInfo) and any further certificates there.
func (s *Signature) readKeyInfo(sigEl *etree.Element) error {
	keyInfo, err := child(sigEl, NamespaceDSig, "KeyInfo")
	if err != nil {
		return failf("the signature names no signer: %v", err)
	}
	var certs []*x509.Certificate
	for _, x := range children(keyInfo, NamespaceDSig, "X509Data") {
		for _, c := range children(x, NamespaceDSig, "X509Certificate") {
			der, err := base64Text(c)
			if err != nil {
				return err
			}
			cert, err := x509.ParseCertificate(der)
			if err != nil {
				return failf("KeyInfo certificate: %v", err)
			}
			certs = append(certs, cert)
		}
	}
	if len(certs) == 0 {
		return failf("KeyInfo carries no X509Certificate: the signer is unknown")
	}
	s.signer, s.embedded = certs[0], append(s.embedded, certs[1:]...)
	return nil
}

// checkSignatureValue verifies SignatureValue over the canonical SignedInfo
// with the signer's public key.
func (s *Signature) checkSignatureValue(sigEl, signedInfo *etree.Element) error {
	cm, err := child(signedInfo, NamespaceDSig, "CanonicalizationMethod")
	if err != nil {
		return err
	}
	alg := cm.SelectAttrValue("Algorithm", "")
	c := canonicalizer(alg, inclusivePrefixes(cm))
	if c == nil {
		return failf("CanonicalizationMethod %q is not supported", alg)
	}
	canon, err := canonical(signedInfo, c, nil)
	if err != nil {
		return err
	}
	sm, err := child(signedInfo, NamespaceDSig, "SignatureMethod")
	if err != nil {
		return err
	}
	method := sm.SelectAttrValue("Algorithm", "")
	algo, ok := signatureAlgorithms[method]
	if !ok {
		return failf("SignatureMethod %q is not supported (ECDSA or RSA with SHA-256, -384, -512)", method)
	}
	sv, err := child(sigEl, NamespaceDSig, "SignatureValue")
	if err != nil {
		return err
	}
	value, err := base64Text(sv)
	if err != nil {
		return err
	}
	h := digest(algo.hash, canon)
	switch key := s.signer.PublicKey.(type) {
	case *ecdsa.PublicKey:
		if !algo.ec {
			return failf("SignatureMethod %s does not fit the signer's ECDSA key", method)
		}
		// RFC 4051: the value is r and s, each as long as the curve order.
		n := (key.Curve.Params().BitSize + 7) / 8
		if len(value) != 2*n {
			return failf("the ECDSA signature value has %d bytes, not %d", len(value), 2*n)
		}
		r, ss := new(big.Int).SetBytes(value[:n]), new(big.Int).SetBytes(value[n:])
		if !ecdsa.Verify(key, h, r, ss) {
			return failf("the signature value does not verify with the signer's key")
		}
	case *rsa.PublicKey:
		if algo.ec {
			return failf("SignatureMethod %s does not fit the signer's RSA key", method)
		}
		if err := rsa.VerifyPKCS1v15(key, algo.hash, h, value); err != nil {
			return failf("the signature value does not verify with the signer's key")
		}
	default:
		return failf("the signer's key is a %T; ECDSA and RSA are supported", key)
	}
	return nil
}

// inclusivePrefixes reads the PrefixList of an ec:InclusiveNamespaces
// child.
func inclusivePrefixes(el *etree.Element) string {
	for _, c := range el.ChildElements() {
		if c.Tag == "InclusiveNamespaces" {
			return c.SelectAttrValue("PrefixList", "")
		}
	}
	return ""
}

// checkReferences checks every Reference of SignedInfo: its digest over
// the transformed target must match. One reference must cover the whole
// document (URI "" or the root's id) with the enveloped-signature
// transform, and when the signature has XAdES SignedProperties, one must
// cover those.
func checkReferences(doc *etree.Document, sigEl, signedInfo, props *etree.Element) error {
	refs := children(signedInfo, NamespaceDSig, "Reference")
	if len(refs) == 0 {
		return failf("SignedInfo has no Reference")
	}
	if len(refs) > maxReferences {
		return failf("SignedInfo has %d references, more than %d", len(refs), maxReferences)
	}
	ids := idIndex(doc.Root())
	root := doc.Root()
	coversDoc, coversProps := false, false
	for i, ref := range refs {
		uri := ref.SelectAttrValue("URI", "")
		var target *etree.Element
		switch {
		case uri == "":
			target = root
		case strings.HasPrefix(uri, "#"):
			els := ids[uri[1:]]
			if len(els) != 1 {
				return failf("reference %d names id %q, which %d elements carry", i+1, uri[1:], len(els))
			}
			target = els[0]
		default:
			return failf("reference %d names %q: only same-document references are accepted", i+1, uri)
		}
		enveloped, err := checkReference(ref, target, sigEl)
		if err != nil {
			return failf("reference %d (URI %q): %v", i+1, uri, err)
		}
		if target == root && enveloped {
			coversDoc = true
		}
		if props != nil && target == props {
			coversProps = true
		}
	}
	if !coversDoc {
		return failf("no reference covers the whole document with the enveloped-signature transform")
	}
	if props != nil && !coversProps {
		return failf("no reference covers the XAdES SignedProperties: the signing time and certificate are not signed")
	}
	return nil
}

// idIndex maps each Id (or ID, id) attribute value to the elements
// carrying it.
func idIndex(root *etree.Element) map[string][]*etree.Element {
	out := map[string][]*etree.Element{}
	stack := []*etree.Element{root}
	for len(stack) > 0 {
		el := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, a := range el.Attr {
			if a.Space == "" && (a.Key == "Id" || a.Key == "ID" || a.Key == "id") {
				out[a.Value] = append(out[a.Value], el)
			}
		}
		stack = append(stack, el.ChildElements()...)
	}
	return out
}

// checkReference applies a reference's transforms to its target and
// compares the digest; it reports whether the enveloped-signature
// transform was applied.
func checkReference(ref, target, sigEl *etree.Element) (bool, error) {
	dm, err := child(ref, NamespaceDSig, "DigestMethod")
	if err != nil {
		return false, err
	}
	h, ok := digestAlgorithms[dm.SelectAttrValue("Algorithm", "")]
	if !ok {
		return false, failf("DigestMethod %q is not supported (SHA-256, -384, -512)", dm.SelectAttrValue("Algorithm", ""))
	}
	dv, err := child(ref, NamespaceDSig, "DigestValue")
	if err != nil {
		return false, err
	}
	want, err := base64Text(dv)
	if err != nil {
		return false, err
	}
	var c dsig.Canonicalizer
	enveloped := false
	if ts, err := optChild(ref, NamespaceDSig, "Transforms"); err != nil {
		return false, err
	} else if ts != nil {
		for _, t := range children(ts, NamespaceDSig, "Transform") {
			alg := t.SelectAttrValue("Algorithm", "")
			if dsig.AlgorithmID(alg) == dsig.EnvelopedSignatureAltorithmId {
				enveloped = true
				continue
			}
			if c != nil {
				return false, failf("more than one canonicalization transform")
			}
			if c = canonicalizer(alg, inclusivePrefixes(t)); c == nil {
				return false, failf("transform %q is not supported", alg)
			}
		}
	}
	if c == nil {
		// A node set without a canonicalization transform is serialized
		// with inclusive C14N 1.0.
		c = dsig.MakeC14N10RecCanonicalizer()
	}
	var remove []int
	if enveloped {
		if !contains(target, sigEl) {
			return false, failf("enveloped-signature transform on an element that does not hold the signature")
		}
		remove = signaturePath(target, sigEl)
	} else if contains(target, sigEl) {
		return false, failf("the reference covers its own signature without the enveloped-signature transform")
	}
	canon, err := canonical(target, c, remove)
	if err != nil {
		return false, err
	}
	if !bytes.Equal(digest(h, canon), want) {
		return false, failf("digest does not match: the signed content was changed")
	}
	return enveloped, nil
}

// contains reports whether el is anc or below it.
func contains(anc, el *etree.Element) bool {
	for e := el; e != nil; e = e.Parent() {
		if e == anc {
			return true
		}
	}
	return false
}

// signaturePath is the path of child indexes from target down to sigEl.
func signaturePath(target, sigEl *etree.Element) []int {
	var path []int
	for e := sigEl; e != target; e = e.Parent() {
		path = append([]int{e.Index()}, path...)
	}
	return path
}
