package signature

import (
	"bytes"
	"crypto/x509"
	"strings"
	"time"

	"github.com/beevik/etree"
)

// readXAdES reads the XAdES qualifying properties of a signature, if any:
// the signing time from SignedProperties, and from UnsignedProperties the
// certificates (CertificateValues) and revocation values (CRLs, OCSP
// responses) of long-term validation. It returns the SignedProperties
// element, which a reference must cover, or nil without XAdES.
func (s *Signature) readXAdES(sigEl *etree.Element) (*etree.Element, error) {
	var qp *etree.Element
	for _, obj := range children(sigEl, NamespaceDSig, "Object") {
		for _, c := range children(obj, NamespaceXAdES, "QualifyingProperties") {
			if qp != nil {
				return nil, failf("the signature has more than one XAdES QualifyingProperties")
			}
			qp = c
		}
	}
	if qp == nil {
		return nil, nil
	}
	sp, err := child(qp, NamespaceXAdES, "SignedProperties")
	if err != nil {
		return nil, err
	}
	if ssp, err := optChild(sp, NamespaceXAdES, "SignedSignatureProperties"); err != nil {
		return nil, err
	} else if ssp != nil {
		st, err := optChild(ssp, NamespaceXAdES, "SigningTime")
		if err != nil {
			return nil, err
		}
		if st != nil {
			t, err := time.Parse(time.RFC3339, strings.TrimSpace(st.Text()))
			if err != nil {
				return nil, failf("SigningTime %q is not an xs:dateTime with a time zone", st.Text())
			}
			s.signedAt = t.UTC()
		}
	}
	up, err := optChild(qp, NamespaceXAdES, "UnsignedProperties")
	if err != nil || up == nil {
		return sp, err
	}
	usp, err := optChild(up, NamespaceXAdES, "UnsignedSignatureProperties")
	if err != nil || usp == nil {
		return sp, err
	}
	for _, cv := range children(usp, NamespaceXAdES, "CertificateValues") {
		for _, e := range children(cv, NamespaceXAdES, "EncapsulatedX509Certificate") {
			der, err := base64Text(e)
			if err != nil {
				return nil, err
			}
			cert, err := x509.ParseCertificate(der)
			if err != nil {
				return nil, failf("CertificateValues: %v", err)
			}
			s.embedded = append(s.embedded, cert)
		}
	}
	for _, rv := range children(usp, NamespaceXAdES, "RevocationValues") {
		for _, cv := range children(rv, NamespaceXAdES, "CRLValues") {
			for _, e := range children(cv, NamespaceXAdES, "EncapsulatedCRLValue") {
				der, err := base64Text(e)
				if err != nil {
					return nil, err
				}
				s.crls = append(s.crls, der)
			}
		}
		for _, ov := range children(rv, NamespaceXAdES, "OCSPValues") {
			for _, e := range children(ov, NamespaceXAdES, "EncapsulatedOCSPValue") {
				der, err := base64Text(e)
				if err != nil {
					return nil, err
				}
				s.ocsps = append(s.ocsps, der)
			}
		}
	}
	return sp, nil
}

// checkSigningCertificate checks that the signed XAdES SigningCertificate
// (or SigningCertificateV2) names the signer's certificate by its digest:
// otherwise the certificate in KeyInfo could be swapped for another with
// the same key.
func (s *Signature) checkSigningCertificate(sp *etree.Element) error {
	if sp == nil {
		return nil
	}
	ssp, err := optChild(sp, NamespaceXAdES, "SignedSignatureProperties")
	if err != nil || ssp == nil {
		return err
	}
	var sc *etree.Element
	for _, name := range []string{"SigningCertificateV2", "SigningCertificate"} {
		if sc, err = optChild(ssp, NamespaceXAdES, name); err != nil {
			return err
		} else if sc != nil {
			break
		}
	}
	if sc == nil {
		return nil
	}
	certs := children(sc, NamespaceXAdES, "Cert")
	for _, c := range certs {
		cd, err := child(c, NamespaceXAdES, "CertDigest")
		if err != nil {
			return err
		}
		dm, err := child(cd, NamespaceDSig, "DigestMethod")
		if err != nil {
			return err
		}
		h, ok := digestAlgorithms[dm.SelectAttrValue("Algorithm", "")]
		if !ok {
			return failf("SigningCertificate DigestMethod %q is not supported", dm.SelectAttrValue("Algorithm", ""))
		}
		dv, err := child(cd, NamespaceDSig, "DigestValue")
		if err != nil {
			return err
		}
		want, err := base64Text(dv)
		if err != nil {
			return err
		}
		if bytes.Equal(digest(h, s.signer.Raw), want) {
			return nil
		}
	}
	return failf("the signed XAdES SigningCertificate does not name the certificate in KeyInfo (%s)", s.signer.Subject)
}
