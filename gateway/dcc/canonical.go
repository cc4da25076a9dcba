package dcc

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/gateway/dcc/signature"
)

// CanonicalSHA256 is the lowercase hex SHA-256 of a DCC's canonical form:
// the root element in exclusive XML canonicalization (C14N 1.0, without
// comments, as XML-DSig signs) after dropping the whitespace-only text
// between elements.
// Canonicalization already undoes what XML leaves free (attribute order
// and quotes, namespace declarations, empty-element tags, character
// references, line ends, the XML declaration); dropping inter-element
// whitespace undoes re-indentation. Text inside a leaf element is kept as
// it is, so a changed value changes the digest.
func CanonicalSHA256(data []byte) (string, error) {
	doc, err := signature.ReadDocument(data)
	if err != nil {
		return "", record.Errorf(record.Invalid, "canonical form of the DCC: %v", err)
	}
	root := doc.Root()
	dropIndentation(root)
	canon, err := dsig.MakeC14N10ExclusiveCanonicalizerWithPrefixList("").Canonicalize(root)
	if err != nil {
		return "", record.Errorf(record.Invalid, "canonical form of the DCC: %v", err)
	}
	sum := sha256.Sum256(canon)
	return hex.EncodeToString(sum[:]), nil
}

// dropIndentation removes whitespace-only text from every element that has
// child elements.
func dropIndentation(root *etree.Element) {
	stack := []*etree.Element{root}
	for len(stack) > 0 {
		el := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		kids := el.ChildElements()
		if len(kids) > 0 {
			for i := len(el.Child) - 1; i >= 0; i-- {
				if cd, ok := el.Child[i].(*etree.CharData); ok && strings.TrimSpace(cd.Data) == "" {
					el.RemoveChildAt(i)
				}
			}
		}
		stack = append(stack, kids...)
	}
}
