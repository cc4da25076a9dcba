package signature

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"math/big"
	"time"

	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"
)

// Signer is a key with its certificate and the CA certificates above it.
type Signer struct {
	Key         crypto.Signer
	Certificate *x509.Certificate
	Chain       []*x509.Certificate
}

// Sign adds to a DCC an enveloped XAdES signature shaped as PTB's signed
// examples: SignedInfo in exclusive C14N, a reference to the whole
// document (enveloped-signature, C14N 1.1), a reference to the XAdES
// SignedProperties (exclusive C14N) carrying the signing time and the
// signer's certificate digest, and KeyInfo with the signer's certificate
// and chain. ECDSA (P-256, P-384, P-521) and RSA keys sign with SHA-256.
func Sign(data []byte, s Signer, at time.Time) ([]byte, error) {
	doc, err := ReadDocument(data)
	if err != nil {
		return nil, err
	}
	root := doc.Root()
	if len(children(root, NamespaceDSig, "Signature")) > 0 {
		return nil, failf("the document is signed already")
	}
	method := dsig.RSASHA256SignatureMethod
	if _, ok := s.Key.Public().(*ecdsa.PublicKey); ok {
		method = dsig.ECDSASHA256SignatureMethod
	}
	const id = "metrotrace-signature"
	sig := root.CreateElement("ds:Signature")
	sig.CreateAttr("xmlns:ds", NamespaceDSig)
	sig.CreateAttr("Id", id)
	si := sig.CreateElement("ds:SignedInfo")
	si.CreateElement("ds:CanonicalizationMethod").CreateAttr("Algorithm", string(dsig.CanonicalXML10ExclusiveAlgorithmId))
	si.CreateElement("ds:SignatureMethod").CreateAttr("Algorithm", method)
	docRef := reference(si, "", "", dsig.EnvelopedSignatureAltorithmId, dsig.CanonicalXML11AlgorithmId)
	propsRef := reference(si, "#xades-"+id, TypeSignedProperties, dsig.CanonicalXML10ExclusiveAlgorithmId)
	sv := sig.CreateElement("ds:SignatureValue")
	x509Data := sig.CreateElement("ds:KeyInfo").CreateElement("ds:X509Data")
	for _, c := range append([]*x509.Certificate{s.Certificate}, s.Chain...) {
		x509Data.CreateElement("ds:X509Certificate").SetText(base64.StdEncoding.EncodeToString(c.Raw))
	}
	qp := sig.CreateElement("ds:Object").CreateElement("xades:QualifyingProperties")
	qp.CreateAttr("xmlns:xades", NamespaceXAdES)
	qp.CreateAttr("Target", "#"+id)
	props := qp.CreateElement("xades:SignedProperties")
	props.CreateAttr("Id", "xades-"+id)
	ssp := props.CreateElement("xades:SignedSignatureProperties")
	ssp.CreateElement("xades:SigningTime").SetText(at.UTC().Format(time.RFC3339))
	cd := ssp.CreateElement("xades:SigningCertificateV2").CreateElement("xades:Cert").CreateElement("xades:CertDigest")
	cd.CreateElement("ds:DigestMethod").CreateAttr("Algorithm", "http://www.w3.org/2001/04/xmlenc#sha512")
	cd.CreateElement("ds:DigestValue").SetText(base64.StdEncoding.EncodeToString(digest(crypto.SHA512, s.Certificate.Raw)))

	canonDoc, err := canonical(root, dsig.MakeC14N11Canonicalizer(), signaturePath(root, sig))
	if err != nil {
		return nil, err
	}
	docRef.SetText(base64.StdEncoding.EncodeToString(digest(crypto.SHA256, canonDoc)))
	canonProps, err := canonical(props, dsig.MakeC14N10ExclusiveCanonicalizerWithPrefixList(""), nil)
	if err != nil {
		return nil, err
	}
	propsRef.SetText(base64.StdEncoding.EncodeToString(digest(crypto.SHA256, canonProps)))
	canonSI, err := canonical(si, dsig.MakeC14N10ExclusiveCanonicalizerWithPrefixList(""), nil)
	if err != nil {
		return nil, err
	}
	h := digest(crypto.SHA256, canonSI)
	var value []byte
	switch key := s.Key.(type) {
	case *ecdsa.PrivateKey:
		r, ss, err := ecdsa.Sign(rand.Reader, key, h)
		if err != nil {
			return nil, failf("sign: %v", err)
		}
		n := (key.Curve.Params().BitSize + 7) / 8
		value = append(fixed(r, n), fixed(ss, n)...)
	case *rsa.PrivateKey:
		if value, err = rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, h); err != nil {
			return nil, failf("sign: %v", err)
		}
	default:
		return nil, failf("a %T key cannot sign; use ECDSA or RSA", s.Key)
	}
	sv.SetText(base64.StdEncoding.EncodeToString(value))
	return doc.WriteToBytes()
}

// reference adds a ds:Reference with transforms and an empty DigestValue,
// which it returns.
func reference(si *etree.Element, uri, typ string, transforms ...dsig.AlgorithmID) *etree.Element {
	ref := si.CreateElement("ds:Reference")
	if typ != "" {
		ref.CreateAttr("Type", typ)
	}
	ref.CreateAttr("URI", uri)
	ts := ref.CreateElement("ds:Transforms")
	for _, t := range transforms {
		ts.CreateElement("ds:Transform").CreateAttr("Algorithm", string(t))
	}
	ref.CreateElement("ds:DigestMethod").CreateAttr("Algorithm", "http://www.w3.org/2001/04/xmlenc#sha256")
	return ref.CreateElement("ds:DigestValue")
}

// fixed writes x big-endian in exactly n bytes.
func fixed(x *big.Int, n int) []byte {
	b := make([]byte, n)
	return x.FillBytes(b)
}
