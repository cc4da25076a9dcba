package ops

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/metrotrace/metrotrace/network"
)

// Default Fabric CA registrar: the bootstrap identity scripts/network.sh
// starts every fabric-ca-server with.
const (
	DefaultRegistrarID     = "admin"
	DefaultRegistrarSecret = "adminpw"
)

// ProfileOptions tune the generated sdk connection profile.
type ProfileOptions struct {
	// Org is the client's organisation (MSP id or short name). Required.
	Org string
	// StoreDir holds the sdk's credential and key stores (enrollments made
	// through the sdk). Required.
	StoreDir string
	// RegistrarID and RegistrarSecret identify each CA's registrar;
	// defaults DefaultRegistrarID and DefaultRegistrarSecret.
	RegistrarID, RegistrarSecret string
	// ConnectTimeout bounds a connection to a peer or orderer (default 3s),
	// so an unreachable node is reported quickly.
	ConnectTimeout time.Duration
	// ResponseTimeout bounds one request (default 15s).
	ResponseTimeout time.Duration
	// LogLevel of the sdk's logger (default "error": the sdk logs every
	// retry at warning level).
	LogLevel string
}

// PeerName is the name a peer of org has in the generated profile: its TLS
// host name (peer0.tianjin.metrotrace.local), else "peer0.<org name>".
func PeerName(o *network.Org) string {
	if o.PeerHostOverride != "" {
		return o.PeerHostOverride
	}
	return "peer0." + orgKey(o)
}

// OrdererName is the name of the i-th orderer in the generated profile: its
// TLS host name, else "orderer<i>".
func OrdererName(i int, o *network.Orderer) string {
	if o.HostOverride != "" {
		return o.HostOverride
	}
	return fmt.Sprintf("orderer%d", i)
}

// CAName is the name of an org's CA in the generated profile.
func CAName(o *network.Org) string {
	if o.CA != nil && o.CA.Name != "" {
		return o.CA.Name
	}
	return "ca." + orgKey(o)
}

// orgKey is the organisation's key in the profile (the sdk lower-cases keys).
func orgKey(o *network.Org) string {
	if o.Name != "" {
		return strings.ToLower(o.Name)
	}
	return strings.ToLower(o.MSPID)
}

// endpointPattern matches exactly one host:port as the sdk sees it (with or
// without a grpcs:// scheme).
func endpointPattern(ep string) string {
	return `^(grpcs://)?` + regexp.QuoteMeta(ep) + `$`
}

// Profile renders the fabric-sdk-go connection profile (JSON, which the sdk
// reads like YAML) for the network described by conn: the channel with its
// orderers and every peer (endorsing, query, ledger and event source), each
// organisation with its MSP id, peer and CA, and entityMatchers that map the
// 127.0.0.1:<port> endpoints returned by discovery and the channel
// configuration back to the named peers and orderers, so their TLS host names
// and CA certificates are used.
func Profile(conn *network.Connection, opt ProfileOptions) ([]byte, error) {
	if conn == nil {
		return nil, errors.New("ops: no connection description")
	}
	if opt.StoreDir == "" {
		return nil, errors.New("ops: profile: no store directory")
	}
	client, err := conn.Org(opt.Org)
	if err != nil {
		return nil, fmt.Errorf("ops: profile: client organisation: %w", err)
	}
	if conn.Channel == "" {
		return nil, errors.New("ops: profile: no channel")
	}
	if opt.RegistrarID == "" {
		opt.RegistrarID = DefaultRegistrarID
	}
	if opt.RegistrarSecret == "" {
		opt.RegistrarSecret = DefaultRegistrarSecret
	}
	if opt.ConnectTimeout <= 0 {
		opt.ConnectTimeout = 3 * time.Second
	}
	if opt.ResponseTimeout <= 0 {
		opt.ResponseTimeout = 15 * time.Second
	}
	if opt.LogLevel == "" {
		opt.LogLevel = "error"
	}
	type m = map[string]any
	grpc := func(host string) m {
		g := m{
			"keep-alive-time":    "0s",
			"keep-alive-timeout": "20s",
			"keep-alive-permit":  false,
			"fail-fast":          false,
			"allow-insecure":     false,
		}
		if host != "" {
			g["ssl-target-name-override"] = host
		}
		return g
	}
	retry := m{"attempts": 2, "initialBackoff": "300ms", "maxBackoff": "2s", "backoffFactor": 2.0}

	peers := m{}
	orgs := m{}
	cas := m{}
	chPeers := m{}
	var peerMatch, ordererMatch []m
	for i := range conn.Orgs {
		o := &conn.Orgs[i]
		name := PeerName(o)
		if _, dup := peers[name]; dup {
			return nil, fmt.Errorf("ops: profile: two peers named %s", name)
		}
		peers[name] = m{
			"url":         "grpcs://" + o.PeerEndpoint,
			"grpcOptions": grpc(o.PeerHostOverride),
			"tlsCACerts":  m{"path": o.PeerTLSCACert},
		}
		chPeers[name] = m{"endorsingPeer": true, "chaincodeQuery": true, "ledgerQuery": true, "eventSource": true}
		peerMatch = append(peerMatch, m{
			"pattern":                             endpointPattern(o.PeerEndpoint),
			"urlSubstitutionExp":                  "grpcs://" + o.PeerEndpoint,
			"sslTargetOverrideUrlSubstitutionExp": PeerName(o),
			"mappedHost":                          name,
		})
		// The sdk insists on a crypto path per org; identities are given
		// to it directly (Open), so this one is never read.
		org := m{"mspid": o.MSPID, "peers": []string{name}, "cryptoPath": "users/{username}@" + orgKey(o) + "/msp"}
		if o.CA != nil {
			ca := CAName(o)
			org["certificateAuthorities"] = []string{ca}
			cas[ca] = m{
				"url":        o.CA.URL,
				"caName":     o.CA.Name,
				"tlsCACerts": m{"path": o.CA.TLSCACert},
				"registrar":  m{"enrollId": opt.RegistrarID, "enrollSecret": opt.RegistrarSecret},
			}
		}
		orgs[orgKey(o)] = org
	}
	orderers := m{}
	var ordNames []string
	for i := range conn.Orderers {
		o := &conn.Orderers[i]
		name := OrdererName(i, o)
		if _, dup := orderers[name]; dup {
			return nil, fmt.Errorf("ops: profile: two orderers named %s", name)
		}
		orderers[name] = m{
			"url":         "grpcs://" + o.Endpoint,
			"grpcOptions": grpc(o.HostOverride),
			"tlsCACerts":  m{"path": o.TLSCACert},
		}
		ordNames = append(ordNames, name)
		ordererMatch = append(ordererMatch, m{
			"pattern":                             endpointPattern(o.Endpoint),
			"urlSubstitutionExp":                  "grpcs://" + o.Endpoint,
			"sslTargetOverrideUrlSubstitutionExp": name,
			"mappedHost":                          name,
		})
	}
	if _, clash := orgs["ordererorg"]; !clash && len(conn.Orderers) > 0 {
		orgs["ordererorg"] = m{"mspid": "OrdererMSP", "cryptoPath": "users/{username}@ordererorg/msp"}
	}
	profile := m{
		"name":    "metrotrace-" + conn.Channel,
		"version": "1.0.0",
		"client": m{
			"organization": orgKey(client),
			"logging":      m{"level": opt.LogLevel},
			"cryptoconfig": m{"path": opt.StoreDir + "/crypto"},
			"peer": m{"timeout": m{
				"connection": opt.ConnectTimeout.String(),
				"response":   opt.ResponseTimeout.String(),
				"discovery":  m{"greylistExpiry": "5s"},
			}},
			"orderer": m{"timeout": m{
				"connection": opt.ConnectTimeout.String(),
				"response":   opt.ResponseTimeout.String(),
			}},
			"global": m{"timeout": m{
				"query":   opt.ResponseTimeout.String(),
				"execute": opt.ResponseTimeout.String(),
				"resmgmt": opt.ResponseTimeout.String(),
			}},
			"credentialStore": m{
				"path":        opt.StoreDir + "/state",
				"cryptoStore": m{"path": opt.StoreDir + "/msp"},
			},
			"BCCSP": m{"security": m{
				"enabled":       true,
				"default":       m{"provider": "SW"},
				"hashAlgorithm": "SHA2",
				"softVerify":    true,
				"level":         256,
			}},
			"tlsCerts": m{"systemCertPool": false},
		},
		"channels": m{conn.Channel: m{
			"orderers": ordNames,
			"peers":    chPeers,
			"policies": m{
				"queryChannelConfig": m{"minResponses": 1, "maxTargets": 1, "retryOpts": retry},
				"discovery":          m{"maxTargets": 2, "retryOpts": retry},
			},
		}},
		"organizations":          orgs,
		"peers":                  peers,
		"orderers":               orderers,
		"certificateAuthorities": cas,
		"entityMatchers":         m{"peer": peerMatch, "orderer": ordererMatch},
	}
	return json.MarshalIndent(profile, "", "  ")
}
